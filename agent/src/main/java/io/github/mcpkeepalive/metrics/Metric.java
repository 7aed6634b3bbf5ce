package io.github.mcpkeepalive.metrics;

import io.github.mcpkeepalive.core.Connection;
import java.util.List;

/**
 * Every figure the agent publishes to the application's metrics backend: name, kind, unit and
 * description, the one table both bridges build their instruments from (and the README lists).
 */
public enum Metric {
  CONNECTIONS(
      "mcp.keepalive.connections",
      Kind.GAUGE,
      "{connection}",
      "MCP client connections the agent keeps, per state",
      null),
  PINGS_SENT("mcp.keepalive.pings.sent", Kind.COUNTER, "{ping}", "Keepalive pings sent", null),
  PINGS_FAILED(
      "mcp.keepalive.pings.failed",
      Kind.COUNTER,
      "{ping}",
      "Keepalive pings that failed or went unanswered",
      null),
  RECONNECT_ATTEMPTS(
      "mcp.keepalive.reconnects.attempted",
      Kind.COUNTER,
      "{attempt}",
      "Reconnect attempts started by the agent",
      null),
  RECONNECT_SUCCESSES(
      "mcp.keepalive.reconnects.succeeded",
      Kind.COUNTER,
      "{attempt}",
      "Reconnect attempts that restored the session",
      null),
  PING_DURATION(
      "mcp.keepalive.ping.duration",
      Kind.HISTOGRAM,
      "s",
      "Round-trip time of answered keepalive pings",
      List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)),
  RECOVERY_DURATION(
      "mcp.keepalive.recovery.duration",
      Kind.HISTOGRAM,
      "s",
      "Time from the moment a connection left CONNECTED until it was CONNECTED again",
      List.of(0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)),
  /**
   * The MCP semantic conventions' client session metric (development status; name, unit, attributes
   * and bucket boundaries as the conventions give them).
   */
  SESSION_DURATION(
      "mcp.client.session.duration",
      Kind.HISTOGRAM,
      "s",
      "The duration of the MCP session as observed on the MCP client",
      List.of(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0));

  /** How a figure is published. */
  public enum Kind {
    /** A count read from the connections when the backend collects. */
    GAUGE,
    /** A monotonic count read from the connections when the backend collects. */
    COUNTER,
    /** A duration in seconds, recorded when it ends. */
    HISTOGRAM
  }

  /** The instrumentation scope (OpenTelemetry meter name). */
  public static final String SCOPE = "io.github.mcpkeepalive";

  public final String metricName;
  public final Kind kind;
  public final String unit;
  public final String description;

  /** Explicit bucket boundaries of a histogram, in seconds; null for the others. */
  public final List<Double> buckets;

  Metric(String name, Kind kind, String unit, String description, List<Double> buckets) {
    this.metricName = name;
    this.kind = kind;
    this.unit = unit;
    this.description = description;
    this.buckets = buckets;
  }

  /** A counter's value for one connection, as the connection counts it. */
  long of(Connection c) {
    switch (this) {
      case PINGS_SENT:
        return c.pingsSent();
      case PINGS_FAILED:
        return c.pingsFailed();
      case RECONNECT_ATTEMPTS:
        return c.reconnectsAttempted();
      case RECONNECT_SUCCESSES:
        return c.reconnectsSucceeded();
      default:
        throw new IllegalArgumentException(name() + " is no counter");
    }
  }
}
