package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import io.github.mcpkeepalive.core.AgentRuntime;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The advice woven into langchain4j-mcp. Each body is one call into {@link L4jHooks}; the code is
 * inlined into the library's methods and any throwable is suppressed. The fields it reads by name
 * are declared in {@link L4jRefs}.
 */
public final class L4jAdvice {

  private L4jAdvice() {}

  /** {@code DefaultMcpClient.<init>(builder)}, before: adjust what the application left unset. */
  public static final class ClientCreating {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object builder) {
      L4jHooks.clientCreating(builder);
    }
  }

  /** {@code DefaultMcpClient.<init>(builder)}, after it connected: discover the client. */
  public static final class ClientCreated {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object client) {
      L4jHooks.clientCreated(client);
    }
  }

  /** {@code DefaultMcpClient.close()}: stop keepalive. */
  public static final class ClientClosed {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object client) {
      L4jHooks.clientClosed(client);
    }
  }

  /**
   * {@code DefaultMcpClient.triggerReconnection()}: the agent reconnects managed clients itself.
   */
  public static final class LibraryReconnect {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.This Object client) {
      return L4jHooks.libraryReconnect(client);
    }
  }

  /** {@code McpOperationHandler.handle(message)}: a message was read. */
  public static final class MessageRead {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("transport") Object transport) {
      AgentRuntime.messageRead(transport);
    }
  }

  /** {@code HttpMcpTransport.onFailure(runnable)}: the library's fixed-delay reconnect, wrapped. */
  public static final class FailureHandler {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.This Object transport,
        @Advice.Argument(value = 0, readOnly = false) Runnable onFailure) {
      onFailure = L4jHooks.wrapFailureHandler(transport, onFailure);
    }
  }

  /** {@code SseEventListener.onFailure(source, error, response)}: the SSE stream failed. */
  public static final class SseFailed {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.FieldValue("messageHandler") Object handler,
        @Advice.Argument(0) Object source,
        @Advice.Argument(1) Throwable error,
        @Advice.Argument(2) Object response) {
      L4jHooks.sseFailed(handler, source, error, response);
    }
  }

  /** {@code SseEventListener.onClosed(source)}: the SSE stream ended cleanly. */
  public static final class SseClosed {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.FieldValue("messageHandler") Object handler, @Advice.Argument(0) Object source) {
      L4jHooks.sseFailed(handler, source, null, null);
    }
  }

  /**
   * {@code executeOperationWithResponse(context)} of either transport: a request of the
   * application.
   */
  public static final class RequestSent {
    /** A future that stands for the request when its connection is down (the call is skipped). */
    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static Object enter(@Advice.This Object transport, @Advice.Argument(0) Object context) {
      return L4jHooks.requestStarting(transport, context);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.This Object transport,
        @Advice.Argument(0) Object context,
        @Advice.Enter Object takenOver,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object answer) {
      answer =
          takenOver != null
              ? takenOver
              : L4jHooks.requestSent(transport, context, System.nanoTime(), answer);
    }
  }

  /**
   * The response handler of a Streamable HTTP request: a 400 for a known session means it expired.
   */
  public static final class ResponseStatus {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.This Object transport,
        @Advice.Argument(0) Object context,
        @Advice.Argument(1) boolean isRetry,
        @Advice.Argument(value = 4, readOnly = false, typing = Assigner.Typing.DYNAMIC)
            Object info) {
      info = L4jHooks.responseStatus(transport, context, isRetry, info);
    }
  }

  /**
   * {@code StreamableHttpMcpTransport.initialize(request)}, after: a session is being
   * (re)initialized.
   */
  public static final class SessionInitializing {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object transport, @Advice.Return Object initialization) {
      L4jHooks.sessionInitializing(transport, initialization);
    }
  }
}
