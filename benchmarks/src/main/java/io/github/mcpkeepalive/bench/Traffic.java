package io.github.mcpkeepalive.bench;

import io.github.mcpkeepalive.bench.Benchmarks.Row;
import io.github.mcpkeepalive.sample.DemoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keepalive traffic, counted by the server: the pings a client with the agent (interval 5 s) sends
 * while it calls a tool every second, and while it is idle; the same client without the agent runs
 * at the same time against its own server.
 */
final class Traffic {

  static final int INTERVAL_S = 5;
  static final int BUSY_S = 15;
  static final int IDLE_S = 25;

  /** A JSON-RPC message the server received: when, on which path. */
  record Ping(long nanos, String path) {}

  private Traffic() {}

  static List<Row> run(Repo repo) throws Exception {
    try (DemoServer withServer = new DemoServer(0, null, 0);
        DemoServer withoutServer = new DemoServer(0, null, 0)) {
      List<Ping> withPings = record(withServer);
      List<Ping> withoutPings = record(withoutServer);
      List<String> args = List.of(Integer.toString(BUSY_S), Integer.toString(IDLE_S));
      try (Child with = probe(repo, repo.agent("interval=" + INTERVAL_S), withServer, args);
          Child without = probe(repo, null, withoutServer, args)) {
        Duration limit = Duration.ofSeconds(BUSY_S + IDLE_S + 60);
        long busy = with.await("BUSY"::equals, limit, "BUSY marker").nanos();
        long idle = with.await("IDLE"::equals, limit, "IDLE marker").nanos();
        long done = with.await("DONE"::equals, limit, "DONE marker").nanos();
        long busyWithout = without.await("BUSY"::equals, limit, "BUSY marker").nanos();
        long doneWithout = without.await("DONE"::equals, limit, "DONE marker").nanos();
        int duringCalls = count(withPings, busy, idle, null);
        int duringCallsWithout = count(withoutPings, busyWithout, doneWithout, null);
        int sse = count(withPings, idle, done, "/message");
        int http = count(withPings, idle, done, "/mcp");
        double gap = meanGap(withPings, idle, done);
        System.out.printf(
            Locale.ROOT,
            "   pings while busy: %d; while idle: sse %d, http %d, mean gap %.2f s%n",
            duringCalls,
            sse,
            http,
            gap / 1e9);
        int expected = IDLE_S / INTERVAL_S;
        boolean idleOk =
            Math.abs(sse - expected) <= 1
                && Math.abs(http - expected) <= 1
                && Math.abs(gap / 1e9 - INTERVAL_S) <= 0.1 * INTERVAL_S;
        return List.of(
            new Row(
                "pings while the app calls every 1 s ("
                    + BUSY_S
                    + " s, interval "
                    + INTERVAL_S
                    + " s, 2 connections)",
                Integer.toString(duringCalls),
                Integer.toString(duringCallsWithout),
                "-",
                "0",
                duringCalls == 0),
            new Row(
                "pings per connection while idle "
                    + IDLE_S
                    + " s (interval "
                    + INTERVAL_S
                    + " s); mean gap",
                String.format(Locale.ROOT, "sse %d, http %d; %.2f s", sse, http, gap / 1e9),
                Integer.toString(
                    count(withoutPings, doneWithout - (done - idle), doneWithout, null)),
                "-",
                expected + " +-1; " + INTERVAL_S + " s +-10 %",
                idleOk));
      }
    }
  }

  private static List<Ping> record(DemoServer server) {
    List<Ping> pings = new CopyOnWriteArrayList<>();
    server.setRequestListener(
        (path, method) -> {
          if (method.equals("ping")) {
            pings.add(new Ping(System.nanoTime(), path));
          }
        });
    return pings;
  }

  private static Child probe(Repo repo, String agent, DemoServer server, List<String> args)
      throws Exception {
    List<String> a = new ArrayList<>();
    a.add("http://127.0.0.1:" + server.port());
    a.addAll(args);
    return Child.start(
        agent == null ? List.of() : List.of(agent),
        repo.benchClasspath(),
        TrafficProbe.class.getName(),
        a);
  }

  private static int count(List<Ping> pings, long from, long to, String path) {
    int n = 0;
    for (Ping p : pings) {
      if (p.nanos() >= from && p.nanos() < to && (path == null || p.path().equals(path))) {
        n++;
      }
    }
    return n;
  }

  /** Mean time between consecutive pings of one connection, both paths pooled. */
  private static double meanGap(List<Ping> pings, long from, long to) {
    double sum = 0;
    int gaps = 0;
    for (String path : new String[] {"/message", "/mcp"}) {
      long prev = from;
      for (Ping p : pings) {
        if (p.nanos() >= from && p.nanos() < to && p.path().equals(path)) {
          sum += p.nanos() - prev;
          gaps++;
          prev = p.nanos();
        }
      }
    }
    return gaps == 0 ? Double.NaN : sum / gaps;
  }
}
