package io.github.mcpkeepalive.core;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** The agent's effective configuration, validated and immutable. */
public final class Settings {

  public static final Backoff.Jitter DEFAULT_BACKOFF_JITTER =
      (Backoff.Jitter) ConfigKey.BACKOFF_JITTER.defaultValue();

  public final boolean enabled;
  public final long intervalNanos;
  public final long pingTimeoutNanos;
  public final int failureThreshold;
  public final long backoffInitialNanos;
  public final long backoffMaxNanos;
  public final double jitter;
  public final Backoff.Jitter backoffJitter;
  public final Log.Level logLevel;
  public final Log.Target logTarget;
  public final boolean metrics;
  public final ClassLoads classLoads;
  public final List<ServerEntry> servers;

  public Settings(
      boolean enabled,
      long intervalNanos,
      long pingTimeoutNanos,
      int failureThreshold,
      long backoffInitialNanos,
      long backoffMaxNanos,
      double jitter,
      Backoff.Jitter backoffJitter,
      Log.Level logLevel,
      List<ServerEntry> servers) {
    this(
        enabled,
        intervalNanos,
        pingTimeoutNanos,
        failureThreshold,
        backoffInitialNanos,
        backoffMaxNanos,
        jitter,
        backoffJitter,
        logLevel,
        Log.Target.STDERR,
        true,
        servers);
  }

  /**
   * How long the agent watches the classes the JVM loads: see {@link ConfigKey#WATCH_CLASS_LOADS}.
   */
  public enum ClassLoads {
    START,
    ALWAYS
  }

  public Settings(
      boolean enabled,
      long intervalNanos,
      long pingTimeoutNanos,
      int failureThreshold,
      long backoffInitialNanos,
      long backoffMaxNanos,
      double jitter,
      Backoff.Jitter backoffJitter,
      Log.Level logLevel,
      Log.Target logTarget,
      boolean metrics,
      List<ServerEntry> servers) {
    this(
        enabled,
        intervalNanos,
        pingTimeoutNanos,
        failureThreshold,
        backoffInitialNanos,
        backoffMaxNanos,
        jitter,
        backoffJitter,
        logLevel,
        logTarget,
        metrics,
        ClassLoads.START,
        servers);
  }

  public Settings(
      boolean enabled,
      long intervalNanos,
      long pingTimeoutNanos,
      int failureThreshold,
      long backoffInitialNanos,
      long backoffMaxNanos,
      double jitter,
      Backoff.Jitter backoffJitter,
      Log.Level logLevel,
      Log.Target logTarget,
      boolean metrics,
      ClassLoads classLoads,
      List<ServerEntry> servers) {
    this.logTarget = logTarget;
    this.metrics = metrics;
    this.classLoads = classLoads;
    this.enabled = enabled;
    this.intervalNanos = intervalNanos;
    this.pingTimeoutNanos = pingTimeoutNanos;
    this.failureThreshold = failureThreshold;
    this.backoffInitialNanos = backoffInitialNanos;
    this.backoffMaxNanos = backoffMaxNanos;
    this.jitter = jitter;
    this.backoffJitter = backoffJitter;
    this.logLevel = logLevel;
    this.servers = List.copyOf(servers);
  }

  /** The defaults of {@link ConfigKey}'s table. */
  public static Settings defaults() {
    return new Settings(
        (Boolean) ConfigKey.ENABLED.defaultValue(),
        (Long) ConfigKey.INTERVAL.defaultValue(),
        (Long) ConfigKey.PING_TIMEOUT.defaultValue(),
        ((Long) ConfigKey.FAILURE_THRESHOLD.defaultValue()).intValue(),
        (Long) ConfigKey.BACKOFF_INITIAL.defaultValue(),
        (Long) ConfigKey.BACKOFF_MAX.defaultValue(),
        (Double) ConfigKey.JITTER.defaultValue(),
        DEFAULT_BACKOFF_JITTER,
        (Log.Level) ConfigKey.LOG_LEVEL.defaultValue(),
        (Log.Target) ConfigKey.LOG_TARGET.defaultValue(),
        (Boolean) ConfigKey.METRICS.defaultValue(),
        (ClassLoads) ConfigKey.WATCH_CLASS_LOADS.defaultValue(),
        List.of());
  }

  /** How long one reconnect attempt (stream + initialize) may take before it counts as failed. */
  public long reconnectTimeoutNanos() {
    return Math.max(2 * pingTimeoutNanos, TimeUnit.SECONDS.toNanos(5));
  }

  /** The most specific enabled-or-not server entry for a connection, or null. */
  public ServerEntry serverFor(String url, String type) {
    ServerEntry best = null;
    int bestScore = -1;
    for (ServerEntry e : servers) {
      int score = e.matchScore(url, type);
      if (score > bestScore) {
        best = e;
        bestScore = score;
      }
    }
    return best;
  }

  /** One line for the startup banner: no header values, no URLs with queries. */
  public String summary() {
    // concatenated, not String.format: a formatter costs milliseconds cold, in the start line
    return "interval="
        + seconds(intervalNanos)
        + "s ping_timeout="
        + seconds(pingTimeoutNanos)
        + "s failure_threshold="
        + failureThreshold
        + " backoff="
        + seconds(backoffInitialNanos)
        + "s.."
        + seconds(backoffMaxNanos)
        + "s jitter="
        + decimals(jitter, 2)
        + (backoffJitter == DEFAULT_BACKOFF_JITTER
            ? ""
            : " backoff_jitter=" + backoffJitter.label())
        + (logTarget == Log.Target.APPLICATION ? " log_target=application" : "")
        + (metrics ? "" : " metrics=false")
        + (classLoads == ClassLoads.START ? "" : " watch_class_loads=always")
        + " servers="
        + servers.size();
  }

  public static String seconds(long nanos) {
    double s = nanos / 1e9;
    return s == Math.rint(s) ? Long.toString((long) s) : decimals(s, 1);
  }

  /** {@code value} rounded to {@code places} decimals as {@code %.Nf} rounds it (half up). */
  static String decimals(double value, int places) {
    return new java.math.BigDecimal(Double.toString(value))
        .setScale(places, java.math.RoundingMode.HALF_UP)
        .toPlainString();
  }
}
