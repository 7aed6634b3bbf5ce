package io.github.mcpkeepalive.instrumentation.webflux.v0_18;

import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.webflux.common.WebFluxModule;
import io.github.mcpkeepalive.instrumentation.webflux.common.WebFluxRefs;

/**
 * The MCP Java SDK's {@code mcp-spring-webflux} from 0.18.2 (Spring AI 1.0.7+ and 1.1.6+): its SSE
 * transport reads the GET's response itself ({@code exchangeToFlux}), as Spring AI 2.0's does, so a
 * rejected GET fails with an error that names no status: the agent reads it in that handler.
 * Written from the published shape of those releases; this project's registry serves none of them,
 * so no test runs it (a release that matches is healed as untested).
 */
public final class WebFlux018Module extends WebFluxModule {

  private static final WebFluxRefs REFS =
      new WebFluxRefs("io.modelcontextprotocol.client.transport");

  /** {@code Flux (ClientResponse)} in {@code eventStream()}. */
  static final MethodRef SSE_RESPONSE = REFS.sseResponseHandler();

  public WebFlux018Module() {
    super("mcp-spring-webflux-0.18", REFS, SSE_RESPONSE, true);
  }
}
