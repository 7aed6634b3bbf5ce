package io.github.mcpkeepalive.instrumentation.webflux.common;

import io.github.mcpkeepalive.core.LibraryVersion;
import io.github.mcpkeepalive.instrumentation.InstrumentationModule;
import io.github.mcpkeepalive.instrumentation.LibraryInstrumentation;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkTransport;
import java.util.List;

/**
 * An artifact that provides the WebClient transports for MCP Java SDK clients (Spring AI's WebFlux
 * starter). Its clients are the SDK's; this support only adds what the SDK support needs of these
 * transports ({@link SdkTransport}), once its classes have been checked and woven in a loader.
 */
public abstract class WebFluxInstrumentation extends LibraryInstrumentation {

  protected WebFluxInstrumentation(
      LibraryVersion version, String description, List<WebFluxModule> modules) {
    super(version, description, List.copyOf(modules));
    modules.forEach(m -> m.versionedBy(version));
    SdkTransport.addProvider(this::transportFor);
  }

  /** How the SDK support reaches a transport of class {@code type}, when this support has it. */
  private SdkTransport transportFor(Class<?> type) {
    InstrumentationModule m = applied(type.getClassLoader());
    return m instanceof WebFluxModule ? ((WebFluxModule) m).transportFor(type.getName()) : null;
  }
}
