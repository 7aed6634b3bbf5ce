package io.github.mcpkeepalive.instrumentation.webflux.v2_0;

import io.github.mcpkeepalive.instrumentation.webflux.common.WebFluxModule;
import io.github.mcpkeepalive.instrumentation.webflux.common.WebFluxRefs;

/**
 * Spring AI's own {@code mcp-spring-webflux} 2.0 (the WebClient transports moved out of the MCP
 * Java SDK with its 2.0): the same shapes in Spring AI's package; the Streamable HTTP transport is
 * final.
 */
public final class WebFlux20Module extends WebFluxModule {

  public WebFlux20Module() {
    super(
        "spring-ai-mcp-spring-webflux-2.0",
        new WebFluxRefs("org.springframework.ai.mcp.client.webflux.transport"));
  }
}
