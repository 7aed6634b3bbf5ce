package io.github.mcpkeepalive.instrumentation.webflux.common;

import static io.github.mcpkeepalive.instrumentation.weave.Hook.RETURN;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.THIS;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.argument;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.onEnter;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.onExit;

import io.github.mcpkeepalive.instrumentation.weave.Hook;

/**
 * The calls woven into the WebClient transports (beside the MCP Java SDK's own, which the
 * Streamable HTTP transport shares), each into {@link WebFluxHooks}; a hook that meets a surprise
 * leaves the transport's own behaviour in place.
 */
final class WebFluxAdvice {

  private WebFluxAdvice() {}

  /** {@code WebFluxSseClientTransport.eventStream()}, after: the stream will report its end. */
  static final Hook SSE_STREAM_OPENED =
      onExit(WebFluxHooks.class, "sseStreamOpened", THIS, RETURN).settingReturn();

  /** The SSE stream's retry handler: skipped when the agent takes over a managed client. */
  static final Hook SSE_STREAM_FAILED =
      onEnter(WebFluxHooks.class, "sseStreamFailed", THIS, argument(0), argument(1))
          .skippingWhenTrue();

  /** A Streamable HTTP POST's response handler (the {@code ClientResponse} is argument 3). */
  static final Hook POST_ANSWERED = onEnter(WebFluxHooks.class, "answered", THIS, argument(3));

  /** The legacy SSE transport's handler of the GET's {@code ClientResponse} (its only argument). */
  static final Hook SSE_ANSWERED = onEnter(WebFluxHooks.class, "answered", THIS, argument(0));

  /** {@code ReactorResourceFactory.stop()}: the application stops its WebClients' event loops. */
  static final Hook RESOURCES_STOPPING = onEnter(WebFluxHooks.class, "resourcesStopping", THIS);
}
