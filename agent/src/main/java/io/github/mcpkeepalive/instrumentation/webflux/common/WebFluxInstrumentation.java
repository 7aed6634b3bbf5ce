package io.github.mcpkeepalive.instrumentation.webflux.common;

import io.github.mcpkeepalive.core.LibraryVersion;
import io.github.mcpkeepalive.instrumentation.InstrumentationModule;
import io.github.mcpkeepalive.instrumentation.LibraryInstrumentation;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkTransport;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An artifact that provides the WebClient transports for MCP Java SDK clients (Spring AI's WebFlux
 * starter). Its clients are the SDK's; this support only adds what the SDK support needs of these
 * transports ({@link SdkTransport}), once its classes have been checked and woven in a loader.
 */
public abstract class WebFluxInstrumentation extends LibraryInstrumentation {

  private static final List<WebFluxInstrumentation> ALL = new CopyOnWriteArrayList<>();

  protected WebFluxInstrumentation(
      LibraryVersion version, String description, List<WebFluxModule> modules) {
    super(version, description, List.copyOf(modules));
    modules.forEach(m -> m.versionedBy(version));
    ALL.add(this);
    SdkTransport.addProvider(this::transportFor);
  }

  /** The range applied to the loader of {@code type} that weaves that class, or null. */
  static WebFluxModule appliedTo(Class<?> type) {
    for (WebFluxInstrumentation library : ALL) {
      InstrumentationModule m = library.applied(type.getClassLoader());
      if (m instanceof WebFluxModule && ((WebFluxModule) m).weaves(type.getName())) {
        return (WebFluxModule) m;
      }
    }
    return null;
  }

  /** How the SDK support reaches a transport of class {@code type}, when this support has it. */
  private SdkTransport transportFor(Class<?> type) {
    InstrumentationModule m = applied(type.getClassLoader());
    return m instanceof WebFluxModule ? ((WebFluxModule) m).transportFor(type.getName()) : null;
  }
}
