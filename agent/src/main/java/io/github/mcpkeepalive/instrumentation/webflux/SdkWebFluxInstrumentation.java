package io.github.mcpkeepalive.instrumentation.webflux;

import io.github.mcpkeepalive.core.LibraryVersion;
import io.github.mcpkeepalive.instrumentation.LibraryInstrumentation;
import io.github.mcpkeepalive.instrumentation.webflux.common.WebFluxInstrumentation;
import io.github.mcpkeepalive.instrumentation.webflux.v0_16.WebFlux016Module;
import io.github.mcpkeepalive.instrumentation.webflux.v0_18.WebFlux018Module;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The MCP Java SDK's {@code io.modelcontextprotocol.sdk:mcp-spring-webflux} (up to 0.18; SDK 1.x
 * ships none): the WebClient transports of Spring AI 1.0.7+ and 1.1's WebFlux starter.
 */
public final class SdkWebFluxInstrumentation extends WebFluxInstrumentation {

  private static final LibraryVersion VERSION =
      new LibraryVersion(
          "MCP Java SDK WebFlux transports",
          "io.modelcontextprotocol.sdk",
          List.of("mcp-spring-webflux"),
          "io.modelcontextprotocol.client.transport.WebFluxSseClientTransport",
          Pattern.compile("0\\.17\\.\\d+"),
          "0.17.x");

  // typed as the base class: Library.support() returns it without the verifier loading this class
  // (to check that it is one), so that an application without this library never loads it
  public static final LibraryInstrumentation INSTANCE = new SdkWebFluxInstrumentation();

  private SdkWebFluxInstrumentation() {
    super(
        VERSION,
        "MCP Java SDK WebFlux transports (tested "
            + VERSION.testedText()
            + "; WebFluxSseClientTransport, WebClientStreamableHttpTransport)",
        List.of(new WebFlux018Module(), new WebFlux016Module()));
  }
}
