package io.github.mcpkeepalive.instrumentation.webflux.common;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The advice woven into the WebClient transports (beside the MCP Java SDK's own, which the
 * Streamable HTTP transport shares). Each body is one call into {@link WebFluxHooks}; any throwable
 * is suppressed, and a suppressed one leaves the transport's own behaviour in place.
 */
public final class WebFluxAdvice {

  private WebFluxAdvice() {}

  /** {@code WebFluxSseClientTransport.eventStream()}: the stream will report its end. */
  public static final class SseStreamOpened {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.This Object transport,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object stream) {
      stream = WebFluxHooks.sseStreamOpened(transport, stream);
    }
  }

  /**
   * The SSE stream's retry handler: for a managed client the agent takes over (the handler's own
   * retry is skipped when the hook returns true).
   */
  public static final class SseStreamFailed {
    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(
        @Advice.This Object transport,
        @Advice.Argument(0) Object retrySignal,
        @Advice.Argument(1) Object sink) {
      return WebFluxHooks.sseStreamFailed(transport, retrySignal, sink);
    }
  }

  /**
   * A Streamable HTTP POST's response handler (the {@code ClientResponse} is its last argument).
   */
  public static final class PostAnswered {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object transport, @Advice.Argument(3) Object response) {
      WebFluxHooks.answered(transport, response);
    }
  }

  /** The legacy SSE transport's handler of the GET's {@code ClientResponse} (its only argument). */
  public static final class SseAnswered {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object transport, @Advice.Argument(0) Object response) {
      WebFluxHooks.answered(transport, response);
    }
  }

  /** {@code ReactorResourceFactory.stop()}: the application stops its WebClients' event loops. */
  public static final class ResourcesStopping {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object factory) {
      WebFluxHooks.resourcesStopping(factory);
    }
  }
}
