package io.github.mcpkeepalive.metrics.otel;

import io.github.mcpkeepalive.metrics.Metric;
import io.github.mcpkeepalive.metrics.MetricGroup;
import io.github.mcpkeepalive.metrics.MetricsBackend;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The bridge to the application's OpenTelemetry API (1.10 or later), built only once its global is
 * set or the OpenTelemetry Java agent provides it (see {@code Backends}). Defined in a class loader
 * whose parent is the application's, so every {@code io.opentelemetry} type here is the
 * application's own. Counters and the gauge are asynchronous instruments read from the groups when
 * the SDK collects; durations are histograms with the bucket boundaries of {@link Metric} (as
 * advice, from API 1.32; older APIs get the SDK's defaults).
 */
public final class OtelBackend implements MetricsBackend {

  private final Consumer<Throwable> failed;
  private final List<MetricGroup> groups = new CopyOnWriteArrayList<>();
  private final Map<MetricGroup, Attributes> attributes = new ConcurrentHashMap<>();
  private final Map<MetricGroup, Attributes> sessionAttributes = new ConcurrentHashMap<>();
  private final Map<MetricGroup, Attributes[]> stateAttributes = new ConcurrentHashMap<>();
  private final EnumMap<Metric, DoubleHistogram> histograms = new EnumMap<>(Metric.class);
  private volatile boolean off;

  public OtelBackend(String version, Consumer<Throwable> failed) {
    this.failed = failed;
    Meter meter =
        GlobalOpenTelemetry.get()
            .getMeterProvider()
            .meterBuilder(Metric.SCOPE)
            .setInstrumentationVersion(version)
            .build();
    for (Metric m : Metric.values()) {
      switch (m.kind) {
        case GAUGE:
          meter
              .gaugeBuilder(m.metricName)
              .setUnit(m.unit)
              .setDescription(m.description)
              .ofLongs()
              .buildWithCallback(this::observeStates);
          break;
        case COUNTER:
          meter
              .counterBuilder(m.metricName)
              .setUnit(m.unit)
              .setDescription(m.description)
              .buildWithCallback(o -> observe(m, o));
          break;
        default:
          DoubleHistogramBuilder h =
              meter.histogramBuilder(m.metricName).setUnit(m.unit).setDescription(m.description);
          try {
            h = h.setExplicitBucketBoundariesAdvice(m.buckets);
          } catch (LinkageError beforeApi132) {
            // the SDK's default boundaries
          }
          histograms.put(m, h.build());
      }
    }
  }

  @Override
  public void add(MetricGroup g) {
    if (off) {
      return;
    }
    try {
      attributes.put(g, convert(g.attributes()));
      sessionAttributes.put(g, convert(g.sessionAttributes()));
      Attributes[] perState = new Attributes[MetricGroup.STATES.size()];
      for (int i = 0; i < perState.length; i++) {
        perState[i] =
            attributes.get(g).toBuilder()
                .put(MetricGroup.STATE, MetricGroup.STATES.get(i).name())
                .build();
      }
      stateAttributes.put(g, perState);
      groups.add(g);
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
      Attributes a;
      if (histogram != Metric.SESSION_DURATION) {
        a = attributes.get(g);
      } else if (errorType == null) {
        a = sessionAttributes.get(g);
      } else {
        a = sessionAttributes.get(g).toBuilder().put(MetricGroup.ERROR_TYPE, errorType).build();
      }
      if (a != null) {
        histograms.get(histogram).record(seconds, a);
      }
    } catch (Throwable t) {
      fail(t);
    }
  }

  private void observe(Metric counter, ObservableLongMeasurement o) {
    if (off) {
      return;
    }
    try {
      for (MetricGroup g : groups) {
        o.record(g.count(counter), attributes.get(g));
      }
    } catch (Throwable t) {
      fail(t);
    }
  }

  private void observeStates(ObservableLongMeasurement o) {
    if (off) {
      return;
    }
    try {
      for (MetricGroup g : groups) {
        Attributes[] perState = stateAttributes.get(g);
        for (int i = 0; i < perState.length; i++) {
          o.record(g.connections(MetricGroup.STATES.get(i)), perState[i]);
        }
      }
    } catch (Throwable t) {
      fail(t);
    }
  }

  private static Attributes convert(Map<String, Object> map) {
    AttributesBuilder b = Attributes.builder();
    for (Map.Entry<String, Object> e : map.entrySet()) {
      if (e.getValue() instanceof Long) {
        b.put(e.getKey(), (long) (Long) e.getValue());
      } else {
        b.put(e.getKey(), String.valueOf(e.getValue()));
      }
    }
    return b.build();
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
