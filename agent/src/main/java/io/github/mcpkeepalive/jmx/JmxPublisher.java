package io.github.mcpkeepalive.jmx;

import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionListener;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.core.TaskScheduler;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Publishes the agent's connections as MXBeans. Nothing touches the platform MBean server until
 * {@link #PUBLISH_DELAY_NANOS} after the first connection is discovered: creating it costs about
 * 0.2 s of CPU, which would otherwise compete with the application's own start-up (its first MCP
 * call comes right after). A connection's bean goes away when the connection closes. All methods
 * run on the engine's scheduler thread.
 */
public final class JmxPublisher implements ConnectionListener {

  public static final String DOMAIN = "mcp.keepalive";
  public static final String AGENT_NAME = DOMAIN + ":type=Agent";

  private final KeepaliveEngine engine;
  private final String version;
  private final Supplier<MBeanServer> serverSupplier;
  private final LongSupplier classesSeen;
  private final LongSupplier classesExamined;
  private final TaskScheduler scheduler;
  private final long publishDelayNanos;
  private final Set<Connection> waiting = new LinkedHashSet<>();
  private boolean publishScheduled;

  /** How long after the first discovered connection the MBeans appear. */
  public static final long PUBLISH_DELAY_NANOS = TimeUnit.SECONDS.toNanos(3);

  private MBeanServer server;
  private boolean failed;

  public JmxPublisher(
      KeepaliveEngine engine,
      String version,
      TaskScheduler scheduler,
      LongSupplier classesSeen,
      LongSupplier classesExamined) {
    this(
        engine,
        version,
        ManagementFactory::getPlatformMBeanServer,
        scheduler,
        PUBLISH_DELAY_NANOS,
        classesSeen,
        classesExamined);
  }

  JmxPublisher(
      KeepaliveEngine engine,
      String version,
      Supplier<MBeanServer> serverSupplier,
      TaskScheduler scheduler,
      long publishDelayNanos,
      LongSupplier classesSeen,
      LongSupplier classesExamined) {
    this.engine = engine;
    this.version = version;
    this.serverSupplier = serverSupplier;
    this.scheduler = scheduler;
    this.publishDelayNanos = publishDelayNanos;
    this.classesSeen = classesSeen;
    this.classesExamined = classesExamined;
  }

  public static ObjectName connectionName(String id) throws Exception {
    return new ObjectName(DOMAIN + ":type=Connection,name=" + id); // ids are c1, c2 …
  }

  @Override
  public void registered(Connection c) {
    if (server == null && !failed) {
      waiting.add(c);
      if (!publishScheduled) {
        publishScheduled = true;
        scheduler.schedule(this::publishWaiting, publishDelayNanos);
      }
      return;
    }
    publish(c);
  }

  private void publishWaiting() {
    List<Connection> now = new ArrayList<>(waiting);
    waiting.clear();
    server(); // the agent's bean, even if every connection has closed meanwhile
    now.forEach(this::publish);
  }

  private void publish(Connection c) {
    MBeanServer s = server();
    if (s == null) {
      return;
    }
    try {
      ObjectName name = connectionName(c.id());
      if (!s.isRegistered(name)) {
        s.registerMBean(new ConnectionView(c, engine), name);
      }
    } catch (Exception e) {
      Log.once(
          Log.Level.WARN,
          "jmx-register",
          "could not publish connection status over JMX: " + Redact.error(e));
    }
  }

  @Override
  public void closed(Connection c) {
    if (waiting.remove(c)) {
      return;
    }
    MBeanServer s = server;
    if (s == null) {
      return;
    }
    try {
      ObjectName name = connectionName(c.id());
      if (s.isRegistered(name)) {
        s.unregisterMBean(name);
      }
    } catch (Exception e) {
      Log.debug("could not remove the JMX view of " + c.id() + ": " + Redact.error(e));
    }
  }

  private MBeanServer server() {
    if (server != null || failed) {
      return server;
    }
    try {
      MBeanServer s = serverSupplier.get();
      ObjectName agent = new ObjectName(AGENT_NAME);
      if (!s.isRegistered(agent)) {
        s.registerMBean(new AgentView(), agent);
      }
      server = s;
    } catch (Exception | LinkageError e) {
      failed = true;
      Log.warn("JMX status unavailable, keepalive goes on without it: " + Redact.error(e));
    }
    return server;
  }

  /** The live view of one connection. */
  static final class ConnectionView implements ConnectionMXBean {
    private final Connection c;
    private final KeepaliveEngine engine;

    ConnectionView(Connection c, KeepaliveEngine engine) {
      this.c = c;
      this.engine = engine;
    }

    @Override
    public String getId() {
      return c.id();
    }

    @Override
    public String getName() {
      return c.name() == null ? "" : c.name();
    }

    @Override
    public String getLibrary() {
      return c.library();
    }

    @Override
    public String getTransport() {
      return c.transport();
    }

    @Override
    public String getUrl() {
      return c.url();
    }

    @Override
    public String getState() {
      return c.state().name();
    }

    @Override
    public long getMillisInState() {
      return TimeUnit.NANOSECONDS.toMillis(engine.ticker().nanoTime() - c.stateSinceNanos());
    }

    @Override
    public long getIntervalSeconds() {
      return TimeUnit.NANOSECONDS.toSeconds(c.intervalNanos());
    }

    @Override
    public long getLastPingRttMillis() {
      long rtt = c.lastPingRttNanos();
      return rtt < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(rtt);
    }

    @Override
    public long getPingsSent() {
      return c.pingsSent();
    }

    @Override
    public long getPingsFailed() {
      return c.pingsFailed();
    }

    @Override
    public long getReconnectAttempts() {
      return c.reconnectsAttempted();
    }

    @Override
    public long getReconnectSuccesses() {
      return c.reconnectsSucceeded();
    }

    @Override
    public String getLastErrorClass() {
      String e = c.lastError();
      if (e == null) {
        return "";
      }
      int colon = e.indexOf(": ");
      return colon < 0 ? e : e.substring(0, colon);
    }

    @Override
    public String getLastErrorMessage() {
      String e = c.lastError();
      if (e == null) {
        return "";
      }
      int colon = e.indexOf(": ");
      return colon < 0 ? "" : e.substring(colon + 2);
    }
  }

  /** The aggregate view. */
  final class AgentView implements AgentStatusMXBean {
    private Settings settings() {
      return engine.settings();
    }

    @Override
    public String getVersion() {
      return version;
    }

    @Override
    public int getConnectionCount() {
      return engine.connections().size();
    }

    @Override
    public Map<String, Integer> getConnectionsPerState() {
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (ConnectionState s : ConnectionState.values()) {
        counts.put(s.name(), 0);
      }
      for (Connection c : engine.connections()) {
        counts.merge(c.state().name(), 1, Integer::sum);
      }
      return counts;
    }

    @Override
    public String getConfiguration() {
      return settings().summary();
    }

    @Override
    public long getIntervalSeconds() {
      return TimeUnit.NANOSECONDS.toSeconds(settings().intervalNanos);
    }

    @Override
    public long getPingTimeoutSeconds() {
      return TimeUnit.NANOSECONDS.toSeconds(settings().pingTimeoutNanos);
    }

    @Override
    public int getFailureThreshold() {
      return settings().failureThreshold;
    }

    @Override
    public double getBackoffInitialSeconds() {
      return settings().backoffInitialNanos / 1e9;
    }

    @Override
    public double getBackoffMaxSeconds() {
      return settings().backoffMaxNanos / 1e9;
    }

    @Override
    public double getJitter() {
      return settings().jitter;
    }

    @Override
    public long getClassesSeen() {
      return classesSeen.getAsLong();
    }

    @Override
    public long getClassesExamined() {
      return classesExamined.getAsLong();
    }
  }
}
