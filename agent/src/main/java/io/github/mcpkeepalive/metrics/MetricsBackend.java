package io.github.mcpkeepalive.metrics;

/**
 * The application's metrics API as the agent publishes to it: implemented by a bridge class
 * compiled against that API and defined at run time in a {@link BridgeLoader} beside the
 * application's classes, so that it links against the application's own copy. Methods are called on
 * the agent's scheduler thread; what a bridge reads when its backend collects ({@link
 * MetricGroup#count}, {@link MetricGroup#connections}) is called on the backend's thread, and a
 * bridge never lets an exception reach that thread: it reports it to the failure handler it was
 * built with and stops publishing.
 */
public interface MetricsBackend {

  /** Publishes the gauge and counters of {@code group} from now on. */
  void add(MetricGroup group);

  /**
   * Records one duration of {@code histogram}; {@code errorType} for {@link
   * Metric#SESSION_DURATION} only, null when the session did not end with an error.
   */
  void record(Metric histogram, MetricGroup group, String errorType, double seconds);
}
