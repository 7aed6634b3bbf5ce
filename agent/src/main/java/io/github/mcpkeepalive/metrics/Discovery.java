package io.github.mcpkeepalive.metrics;

import java.util.Set;
import java.util.function.Consumer;

/** Finds the metrics API an application class loader offers, and builds the bridge to it. */
interface Discovery {

  /** A metrics API the agent publishes to. */
  enum Api {
    OPENTELEMETRY("OpenTelemetry (GlobalOpenTelemetry)"),
    MICROMETER("Micrometer (Metrics.globalRegistry)");

    final String label;

    Api(String label) {
      this.label = label;
    }
  }

  /**
   * What {@code loader} offers now, leaving out {@code excluded}.
   *
   * @param api the API to publish to, or null
   * @param later whether an API is there that the application may still set up (OpenTelemetry whose
   *     global is not set yet): ask again later
   */
  record Found(Api api, boolean later) {}

  Found find(ClassLoader loader, Set<Api> excluded);

  /**
   * The bridge to {@code api} in {@code loader}; {@code failed} is told, on any thread, when the
   * bridge fails later (it stops publishing then).
   */
  MetricsBackend create(Api api, ClassLoader loader, String version, Consumer<Throwable> failed)
      throws Exception;
}
