package io.github.mcpkeepalive.instrumentation.webflux.v2_0;

import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.webflux.common.WebFluxModule;
import io.github.mcpkeepalive.instrumentation.webflux.common.WebFluxRefs;

/**
 * Spring AI's own {@code mcp-spring-webflux} 2.0 (the WebClient transports moved out of the MCP
 * Java SDK with its 2.0): the same shapes in Spring AI's package; the Streamable HTTP transport is
 * final. Its SSE transport reads the GET's response itself ({@code exchangeToFlux}) and decodes the
 * body of a 401 as events, failing with a JSON error that names no status: the agent reads the
 * status in that handler.
 */
public final class WebFlux20Module extends WebFluxModule {

  private static final WebFluxRefs REFS =
      new WebFluxRefs("org.springframework.ai.mcp.client.webflux.transport");

  /** {@code Flux (ClientResponse)} in {@code eventStream()}. */
  static final MethodRef SSE_RESPONSE = REFS.sseResponseHandler();

  public WebFlux20Module() {
    super(
        "spring-ai-mcp-spring-webflux-2.0",
        REFS,
        SSE_RESPONSE,
        false); // Boot 4 closes the MCP clients first
  }
}
