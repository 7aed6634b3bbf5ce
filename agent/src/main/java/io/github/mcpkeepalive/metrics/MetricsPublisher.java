package io.github.mcpkeepalive.metrics;

import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionListener;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.FailureKind;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.core.TaskScheduler;
import io.github.mcpkeepalive.metrics.Discovery.Api;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the agent's figures ({@link Metric}) where the application keeps its metrics: the
 * OpenTelemetry API or Micrometer's global registry, found from the class loader of each
 * connection's client object (see {@link Backends}). Nothing is looked for until {@link
 * #START_DELAY_NANOS} after the first connection is discovered, as for JMX: the application is
 * starting then, and its own SDK may not be set up yet. An application with neither API gets no
 * class of either loaded and no bridge; one whose OpenTelemetry global is not set yet is asked
 * again, at growing intervals up to a minute, while it has connections.
 *
 * <p>Counters and the per-state gauge are read from the connections when the backend collects, so
 * they count from the connection's discovery; durations are recorded as they end, from the moment a
 * backend is found. All methods but the failure handler run on the engine's scheduler thread. A
 * bridge that fails is logged once and dropped; the other API, if the application has it, is used
 * instead, and JMX and keepalive go on.
 */
public final class MetricsPublisher implements ConnectionListener {

  /** How long after the first discovered connection the metrics APIs are looked for. */
  public static final long START_DELAY_NANOS = TimeUnit.SECONDS.toNanos(3);

  /** The first and the longest interval between two looks at an unset OpenTelemetry global. */
  static final long RECHECK_FIRST_NANOS = TimeUnit.SECONDS.toNanos(3);

  static final long RECHECK_MAX_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final TaskScheduler scheduler;
  private final String version;

  /** Null until the start when the real one is wanted (see the public constructor). */
  private Discovery discovery;

  private final long startDelayNanos;

  private final List<Connection> waiting = new ArrayList<>();
  private boolean startScheduled;
  private boolean started;

  /**
   * Per application class loader. A loader whose bridge is built stays reachable from here (the
   * bridge's classes are its children) for as long as the agent runs.
   */
  private final Map<ClassLoader, Binding> bindings = new WeakHashMap<>();

  private final Map<Connection, Member> members = new HashMap<>();

  /** What the agent publishes for one application class loader. */
  private static final class Binding {
    final WeakReference<ClassLoader> loader;
    final Map<Map<String, Object>, MetricGroup> groups = new HashMap<>();
    final Set<Api> excluded = EnumSet.noneOf(Api.class);
    MetricsBackend backend;
    Api api;

    /** Bumped when a backend is dropped: a late failure report of the old one changes nothing. */
    int generation;

    /** Whether an API is there that the application may still set up. */
    boolean later;

    boolean recheckScheduled;
    long recheckNanos;

    Binding(ClassLoader loader) {
      this.loader = new WeakReference<>(loader);
    }

    boolean hasLiveConnections() {
      for (MetricGroup g : groups.values()) {
        if (!g.isEmpty()) {
          return true;
        }
      }
      return false;
    }
  }

  private record Member(Binding binding, MetricGroup group) {}

  /** Loads no class but this one until the start: the agent's set-up is on the start-up path. */
  public MetricsPublisher(TaskScheduler scheduler, String version) {
    this(scheduler, version, null, START_DELAY_NANOS);
  }

  MetricsPublisher(
      TaskScheduler scheduler, String version, Discovery discovery, long startDelayNanos) {
    this.scheduler = scheduler;
    this.version = version;
    this.discovery = discovery;
    this.startDelayNanos = startDelayNanos;
  }

  @Override
  public void registered(Connection c) {
    if (started) {
      place(c);
      return;
    }
    waiting.add(c);
    if (!startScheduled) {
      startScheduled = true;
      scheduler.schedule(this::start, startDelayNanos);
    }
  }

  @Override
  public void closed(Connection c) {
    waiting.remove(c);
    Member m = members.remove(c);
    if (m != null) {
      m.group.remove(c);
    }
  }

  @Override
  public void pingAnswered(Connection c, long rttNanos) {
    record(c, Metric.PING_DURATION, null, rttNanos);
  }

  @Override
  public void recovered(Connection c, long nanos) {
    record(c, Metric.RECOVERY_DURATION, null, nanos);
  }

  @Override
  public void sessionEnded(Connection c, long nanos, FailureKind failure) {
    record(c, Metric.SESSION_DURATION, MetricGroup.errorType(failure), nanos);
  }

  /** The API the connections of {@code loader} are published to, or null. */
  Api publishingTo(ClassLoader loader) {
    Binding b = bindings.get(loader);
    return b == null || b.backend == null ? null : b.api;
  }

  /** The bridge the connections of {@code loader} are published through, or null (tests). */
  MetricsBackend backendOf(ClassLoader loader) {
    Binding b = bindings.get(loader);
    return b == null ? null : b.backend;
  }

  private void start() {
    started = true;
    if (discovery == null) {
      discovery = new Backends();
    }
    List<Connection> now = new ArrayList<>(waiting);
    waiting.clear();
    for (Connection c : now) {
      if (c.state() != ConnectionState.CLOSED) {
        place(c);
      }
    }
  }

  private void place(Connection c) {
    ClassLoader loader = c.applicationLoader();
    if (loader == null) {
      return; // the application's classes are gone already
    }
    Binding b = bindings.get(loader);
    boolean fresh = b == null;
    if (fresh) {
      b = new Binding(loader);
      bindings.put(loader, b);
    }
    Map<String, Object> key = MetricGroup.attributesOf(c);
    MetricGroup g = b.groups.get(key);
    boolean newGroup = g == null;
    if (newGroup) {
      g = MetricGroup.of(key);
      b.groups.put(key, g);
    }
    g.add(c);
    members.put(c, new Member(b, g));
    if (fresh) {
      bind(b, loader);
    } else if (b.backend != null) {
      if (newGroup) {
        add(b, g);
      }
    } else if (b.later && !b.recheckScheduled) {
      bind(b, loader); // its connections had all closed, and with them the looking
    }
  }

  /** Looks for an API in {@code loader} and builds the bridge, or asks again later. */
  private void bind(Binding b, ClassLoader loader) {
    Discovery.Found found;
    try {
      found = discovery.find(loader, b.excluded);
    } catch (Throwable t) {
      Log.once(
          Log.Level.WARN,
          "metrics-discovery",
          "metrics: looking for the application's metrics API failed, no metrics published there: "
              + Redact.error(t));
      return;
    }
    b.later = found.later();
    if (found.api() != null) {
      connect(b, loader, found.api());
    } else if (found.later()) {
      Log.once(
          Log.Level.DEBUG,
          "metrics-otel-unset",
          "metrics: the application has the OpenTelemetry API but has not set GlobalOpenTelemetry"
              + " yet; the agent publishes there once it has");
      scheduleRecheck(b);
    }
  }

  private void connect(Binding b, ClassLoader loader, Api api) {
    int generation = ++b.generation;
    MetricsBackend backend;
    ClassLoader was = enter(loader);
    try {
      backend = discovery.create(api, loader, version, t -> failedLater(b, generation, api, t));
    } catch (Throwable t) {
      bridgeFailed(api, t);
      b.excluded.add(api);
      bind(b, loader);
      return;
    } finally {
      Thread.currentThread().setContextClassLoader(was);
    }
    b.backend = backend;
    b.api = api;
    Log.info(
        "metrics of the MCP connections published to "
            + api.label
            + ": mcp.keepalive.* and mcp.client.session.duration");
    for (MetricGroup g : new ArrayList<>(b.groups.values())) {
      add(b, g);
    }
  }

  private void add(Binding b, MetricGroup g) {
    MetricsBackend backend = b.backend;
    if (backend == null) {
      return;
    }
    ClassLoader was = enter(b.loader.get());
    try {
      backend.add(g);
    } catch (Throwable t) {
      drop(b, t);
    } finally {
      Thread.currentThread().setContextClassLoader(was);
    }
  }

  private void record(Connection c, Metric histogram, String errorType, long nanos) {
    Member m = members.get(c);
    if (m == null || m.binding.backend == null) {
      return;
    }
    ClassLoader was = enter(m.binding.loader.get());
    try {
      m.binding.backend.record(histogram, m.group, errorType, nanos / 1e9);
    } catch (Throwable t) {
      drop(m.binding, t);
    } finally {
      Thread.currentThread().setContextClassLoader(was);
    }
  }

  /**
   * Makes {@code loader} the context class loader of the scheduler thread while it calls into the
   * application's API, and returns the one to restore. The API may initialize itself on that call
   * and look up its services through the context class loader (OpenTelemetry's context storage
   * does, once per JVM): it must find the application's, not whatever the agent's thread inherited.
   */
  private static ClassLoader enter(ClassLoader loader) {
    Thread t = Thread.currentThread();
    ClassLoader was = t.getContextClassLoader();
    if (loader != null) {
      t.setContextClassLoader(loader);
    }
    return was;
  }

  /** A bridge reports, from the backend's thread, that it failed and stopped publishing. */
  private void failedLater(Binding b, int generation, Api api, Throwable t) {
    bridgeFailed(api, t);
    scheduler.execute(
        () -> {
          if (b.generation == generation && b.backend != null) {
            drop(b, null);
          }
        });
  }

  /** Drops the bridge of {@code b}; the other API is looked for. */
  private void drop(Binding b, Throwable t) {
    Api api = b.api;
    if (t != null) {
      bridgeFailed(api, t);
    }
    b.backend = null;
    b.api = null;
    b.generation++;
    if (api != null) {
      b.excluded.add(api);
    }
    ClassLoader loader = b.loader.get();
    if (loader != null) {
      bind(b, loader);
    }
  }

  private void scheduleRecheck(Binding b) {
    b.recheckScheduled = true;
    b.recheckNanos =
        b.recheckNanos == 0 ? RECHECK_FIRST_NANOS : Math.min(RECHECK_MAX_NANOS, b.recheckNanos * 2);
    scheduler.schedule(() -> recheck(b), b.recheckNanos);
  }

  private void recheck(Binding b) {
    b.recheckScheduled = false;
    ClassLoader loader = b.loader.get();
    if (loader == null || b.backend != null || !b.hasLiveConnections()) {
      return; // a connection registered later looks again
    }
    bind(b, loader);
  }

  /** Logs, once per API, that its bridge failed; keepalive, JMX and the other API go on. */
  static void bridgeFailed(Api api, Throwable t) {
    Log.once(
        Log.Level.WARN,
        "metrics-failed-" + api,
        "metrics: publishing to "
            + (api == null ? "the application's metrics API" : api.label)
            + " failed and stops there; keepalive, JMX and any other metrics API are unaffected: "
            + Redact.error(t));
  }
}
