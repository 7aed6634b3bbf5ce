package io.github.mcpkeepalive.metrics.micrometer;

import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.metrics.Metric;
import io.github.mcpkeepalive.metrics.MetricGroup;
import io.github.mcpkeepalive.metrics.MetricsBackend;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The bridge to the application's Micrometer global registry ({@code Metrics.globalRegistry}, to
 * which Spring Boot adds its registries), defined in a class loader whose parent is the
 * application's. Counters are {@code FunctionCounter}s and the per-state gauge {@code Gauge}s read
 * from the groups when the registry publishes; durations are {@code Timer}s (seconds in the
 * backends' base unit) with the bucket boundaries of {@link Metric} as service level objectives.
 * Micrometer wants the same tag keys on every series of a name, so a session that ended without an
 * error has {@code error.type=none}.
 */
public final class MicrometerBackend implements MetricsBackend {

  private final Consumer<Throwable> failed;
  private final MeterRegistry registry;
  private volatile boolean off;

  public MicrometerBackend(String version, Consumer<Throwable> failed) {
    this.failed = failed;
    this.registry = Metrics.globalRegistry;
  }

  @Override
  public void add(MetricGroup g) {
    if (off) {
      return;
    }
    try {
      Tags tags = tags(g.attributes());
      for (Metric m : Metric.values()) {
        if (m.kind == Metric.Kind.COUNTER) {
          FunctionCounter.builder(m.metricName, g, x -> count(x, m))
              .tags(tags)
              .description(m.description)
              .register(registry);
        } else if (m.kind == Metric.Kind.GAUGE) {
          for (ConnectionState s : MetricGroup.STATES) {
            Gauge.builder(m.metricName, g, x -> connections(x, s))
                .tags(tags)
                .tag(MetricGroup.STATE, s.name())
                .description(m.description)
                .strongReference(true)
                .register(registry);
          }
        }
      }
    } catch (Throwable t) {
      fail(t);
    }
  }

  @Override
  public void record(Metric histogram, MetricGroup g, String errorType, double seconds) {
    if (off) {
      return;
    }
    try {
      Tags tags;
      if (histogram == Metric.SESSION_DURATION) {
        tags =
            tags(g.sessionAttributes())
                .and(MetricGroup.ERROR_TYPE, errorType == null ? "none" : errorType);
      } else {
        tags = tags(g.attributes());
      }
      Timer.builder(histogram.metricName) // the registry returns the one already registered
          .tags(tags)
          .description(histogram.description)
          .serviceLevelObjectives(boundaries(histogram.buckets))
          .register(registry)
          .record((long) (seconds * 1e9), TimeUnit.NANOSECONDS);
    } catch (Throwable t) {
      fail(t);
    }
  }

  private double count(MetricGroup g, Metric m) {
    if (off) {
      return Double.NaN;
    }
    try {
      return g.count(m);
    } catch (Throwable t) {
      fail(t);
      return Double.NaN;
    }
  }

  private double connections(MetricGroup g, ConnectionState s) {
    if (off) {
      return Double.NaN;
    }
    try {
      return g.connections(s);
    } catch (Throwable t) {
      fail(t);
      return Double.NaN;
    }
  }

  private static Tags tags(Map<String, Object> attributes) {
    List<Tag> tags = new ArrayList<>(attributes.size());
    for (Map.Entry<String, Object> e : attributes.entrySet()) {
      tags.add(Tag.of(e.getKey(), String.valueOf(e.getValue())));
    }
    return Tags.of(tags);
  }

  private static Duration[] boundaries(List<Double> seconds) {
    Duration[] d = new Duration[seconds.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = Duration.ofNanos((long) (seconds.get(i) * 1e9));
    }
    return d;
  }

  /** Stops publishing for good and tells the agent, once; never throws. */
  private void fail(Throwable t) {
    if (off) {
      return;
    }
    off = true;
    try {
      failed.accept(t);
    } catch (Throwable ignored) {
      // the agent's handler only logs and hands over to its scheduler
    }
  }
}
