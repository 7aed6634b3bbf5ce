package io.github.mcpkeepalive.instrumentation.webflux.v0_16;

import io.github.mcpkeepalive.instrumentation.webflux.common.WebFluxModule;
import io.github.mcpkeepalive.instrumentation.webflux.common.WebFluxRefs;

/**
 * The MCP Java SDK's own {@code mcp-spring-webflux} 0.16 to 0.18.1 (Spring AI 1.1.0 to 1.1.5): the
 * transports in the SDK's package. Up to 0.18.1 the SSE stream reads its body with {@code
 * retrieve()}, so a cut stream fails as a {@code WebClientResponseException} caused by Reactor
 * Netty's {@code PrematureCloseException}, and a rejected GET as "401 Unauthorized from GET …";
 * from 0.18.2 the raw I/O error reaches the retry handler.
 */
public final class WebFlux016Module extends WebFluxModule {

  public WebFlux016Module() {
    super(
        "mcp-spring-webflux-0.16",
        new WebFluxRefs("io.modelcontextprotocol.client.transport"),
        null, // retrieve() names the status of a rejected GET in its error
        true); // Boot 3.5 stops Reactor Netty before it closes the MCP clients
  }
}
