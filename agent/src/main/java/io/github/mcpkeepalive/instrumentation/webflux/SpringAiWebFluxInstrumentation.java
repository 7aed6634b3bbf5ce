package io.github.mcpkeepalive.instrumentation.webflux;

import io.github.mcpkeepalive.core.LibraryVersion;
import io.github.mcpkeepalive.instrumentation.LibraryInstrumentation;
import io.github.mcpkeepalive.instrumentation.webflux.common.WebFluxInstrumentation;
import io.github.mcpkeepalive.instrumentation.webflux.v2_0.WebFlux20Module;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Spring AI's {@code org.springframework.ai:mcp-spring-webflux} (2.0 on): the WebClient transports
 * of Spring AI 2.0's WebFlux starter.
 */
public final class SpringAiWebFluxInstrumentation extends WebFluxInstrumentation {

  private static final LibraryVersion VERSION =
      new LibraryVersion(
          "Spring AI WebFlux transports",
          "org.springframework.ai",
          List.of("mcp-spring-webflux"),
          "org.springframework.ai.mcp.client.webflux.transport.WebFluxSseClientTransport",
          Pattern.compile("2\\.0\\.\\d+"),
          "2.0.x");

  // typed as the base class: Library.support() returns it without the verifier loading this class
  // (to check that it is one), so that an application without this library never loads it
  public static final LibraryInstrumentation INSTANCE = new SpringAiWebFluxInstrumentation();

  private SpringAiWebFluxInstrumentation() {
    super(
        VERSION,
        "Spring AI WebFlux transports (tested "
            + VERSION.testedText()
            + "; WebFluxSseClientTransport, WebClientStreamableHttpTransport)",
        List.of(new WebFlux20Module()));
  }
}
