package io.github.mcpkeepalive.bench;

import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionDriver;
import io.github.mcpkeepalive.core.DaemonScheduler;
import io.github.mcpkeepalive.core.FailureKind;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.core.Ticker;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's engine, as the agent runs it (one scheduler thread, real clock, ±10 % jitter), with N
 * connections whose driver answers pings at once: heap retained per connection, and how late the
 * scheduler thread sends idle pings against their due time. Prints {@code SCALE} lines. {@code
 * ScaleProbe connections intervalSeconds rounds}
 */
public final class ScaleProbe {

  private ScaleProbe() {}

  /** Stands in for a library driver: a few references, like the real ones; pings answer at once. */
  static final class InstantDriver implements ConnectionDriver {
    final Object client;
    final Object transport;
    final long[] lateness;
    final AtomicInteger pings;
    Connection connection;

    InstantDriver(Object client, long[] lateness, AtomicInteger pings) {
      this.client = client;
      this.transport = new Object();
      this.lateness = lateness;
      this.pings = pings;
    }

    @Override
    public CompletableFuture<?> ping() {
      int i = pings.getAndIncrement();
      if (i < lateness.length && connection != null) {
        lateness[i] = connection.lastPingLatenessNanos();
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<?> reconnect(FailureKind cause) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isAlive() {
      return true;
    }
  }

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    long interval = TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
    int rounds = Integer.parseInt(args[2]);
    Log.setLevel(Log.Level.WARN);
    Settings settings =
        new Settings(
            true,
            interval,
            TimeUnit.SECONDS.toNanos(10),
            3,
            TimeUnit.SECONDS.toNanos(1),
            TimeUnit.SECONDS.toNanos(300),
            0.1,
            Settings.DEFAULT_BACKOFF_JITTER,
            Log.Level.WARN,
            List.of());
    KeepaliveEngine engine =
        new KeepaliveEngine(
            settings,
            Ticker.SYSTEM,
            new DaemonScheduler(),
            () -> ThreadLocalRandom.current().nextDouble());

    // the application's objects exist before the agent registers them: not counted
    List<Object> clients = new ArrayList<>(n);
    List<String> urls = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      clients.add(new Object());
      urls.add(
          "http://10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255) + ":8080/mcp");
    }
    long[] lateness = new long[n * rounds];
    AtomicInteger pings = new AtomicInteger();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = settledHeap(memory);
    List<Connection> connections = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      InstantDriver d = new InstantDriver(clients.get(i), lateness, pings);
      Connection c = engine.register(clients.get(i), "bench 1.0", "streamable", urls.get(i), d);
      engine.alias(d.transport, c);
      d.connection = c;
      engine.onRead(c); // the application's initialize answered: CONNECTED, idle pings scheduled
      connections.add(c);
    }
    long registered = System.nanoTime();
    long after = settledHeap(memory);
    System.out.printf(
        Locale.ROOT, "SCALE heap_bytes_per_connection %.0f%n", (after - before) / (double) n);

    // wait for `rounds` pings per connection; bounded by a deadline
    long deadline = registered + (rounds + 2) * interval;
    while (pings.get() < n * rounds && System.nanoTime() < deadline) {
      Thread.sleep(100); // polling a counter with a deadline
    }
    int sent = Math.min(pings.get(), lateness.length);
    long[] sorted = java.util.Arrays.copyOf(lateness, sent);
    java.util.Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "SCALE pings %d of %d lateness_ms p50 %.2f p99 %.2f p999 %.2f max %.2f%n",
        sent,
        n * rounds,
        at(sorted, 50) / 1e6,
        at(sorted, 99) / 1e6,
        at(sorted, 99.9) / 1e6,
        sent == 0 ? Double.NaN : sorted[sent - 1] / 1e6);
    System.out.println(
        "SCALE connections " + engine.connections().size() + " of " + connections.size());
    System.exit(0);
  }

  private static double at(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static long settledHeap(MemoryMXBean memory) {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
