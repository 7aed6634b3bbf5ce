package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import io.github.mcpkeepalive.core.AgentRuntime;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The advice woven into the MCP Java SDK. Each body is one call into {@link SdkHooks}; the code is
 * inlined into the SDK's methods and any throwable is suppressed.
 */
public final class SdkAdvice {

  private SdkAdvice() {}

  /** {@code McpAsyncClient.<init>}: discover the client. */
  public static final class AsyncClientCreated {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object client) {
      SdkHooks.asyncClientCreated(client);
    }
  }

  /** A request method of {@code McpAsyncClient}: discover a client that predates a late attach. */
  public static final class AsyncClientUsed {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object client) {
      SdkHooks.asyncClientUsed(client);
    }
  }

  /** {@code McpSyncClient.<init>}: remember the wrapper, whose ping carries the app's context. */
  public static final class SyncClientCreated {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object client, @Advice.FieldValue("delegate") Object delegate) {
      SdkHooks.syncClientCreated(client, delegate);
    }
  }

  /** {@code McpAsyncClient.close/closeGracefully}: stop keepalive. */
  public static final class ClientClosed {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object client) {
      SdkHooks.clientClosed(client);
    }
  }

  /** {@code McpClientSession.handle(message)}: a message was read. */
  public static final class MessageRead {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("transport") Object transport) {
      AgentRuntime.messageRead(transport);
    }
  }

  /** The onErrorComplete predicate of a transport stream (the error is its last argument). */
  public static final class StreamError {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object transport, @Advice.AllArguments Object[] args) {
      SdkHooks.streamError(transport, args[args.length - 1]);
    }
  }

  /** The handler of a Streamable HTTP POST's response (the response is its last argument). */
  public static final class PostAnswered {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object transport, @Advice.AllArguments Object[] args) {
      SdkHooks.postAnswered(transport, args[args.length - 1]);
    }
  }

  /** The doFinally handler of the legacy SSE stream. */
  public static final class SseStreamEnded {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object transport, @Advice.Argument(0) Object signal) {
      SdkHooks.sseStreamEnded(transport, signal);
    }
  }

  /** {@code HttpClientStreamableHttpTransport.reconnect(stream)}: a GET stream is being opened. */
  public static final class GetStreamOpening {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object transport) {
      SdkHooks.getStreamOpening(transport);
    }
  }

  /** The static doFinally handler of the Streamable HTTP GET stream: (ref, session, signal). */
  public static final class GetStreamEnded {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(1) Object session, @Advice.Argument(2) Object signal) {
      SdkHooks.getStreamEnded(session, signal);
    }
  }

  /** {@code LifecycleInitializer.withInitialization}: retry once on an expired session. */
  public static final class WithInitialization {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.This Object initializer,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object request) {
      request = SdkHooks.retryOnExpiredSession(initializer, request);
    }
  }
}
