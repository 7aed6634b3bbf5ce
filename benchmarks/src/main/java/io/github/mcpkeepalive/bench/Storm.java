package io.github.mcpkeepalive.bench;

import io.github.mcpkeepalive.bench.Benchmarks.Row;
import io.github.mcpkeepalive.sample.DemoServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A restart storm (issue 12): {@value #CONNECTIONS} Streamable HTTP connections in one JVM (the
 * sample app, one server), each calling every 3 s, lose their server at the same instant for 2 s.
 * Counts the calls made after the server was back that still failed, with and without the agent,
 * and, with the agent, its re-initializations per 100 ms window (the wave the server sees), its
 * failed attempts while the server was down, and how long after the server's return the sessions
 * were restored. The agent runs once per backoff jitter strategy; a lone connection goes through
 * the same restart {@value #LONE_ROUNDS} times per strategy.
 */
final class Storm {

  static final int CONNECTIONS = 100;
  static final int LONE_ROUNDS = 6;

  private static final Pattern CALL =
      Pattern.compile("^CALL (\\S+) server=(\\S+) n=\\d+ (ok|failed) latency_ms=(\\d+)");
  private static final Pattern REINIT =
      Pattern.compile(
          "\\[mcp-keepalive\\] (\\S+) INFO (c\\d+) .*-> CONNECTED \\(session re-initialized");
  private static final Pattern ATTEMPT_FAILED =
      Pattern.compile("\\[mcp-keepalive\\] \\S+ INFO c\\d+ .*\\(attempt \\d+ failed");
  private static final String[] STRATEGIES = {"proportional", "full", "decorrelated"};

  /** What one storm showed; times in ms after the server was back. */
  record Result(
      int callsAfter,
      int failedAfter,
      int reinits,
      int maxPer100ms,
      int failedAttempts,
      long restoredP50,
      long restoredMax) {}

  private Storm() {}

  static List<Row> run(Repo repo) throws Exception {
    Result without = storm(repo, null);
    Map<String, Result> with = new TreeMap<>();
    Map<String, long[]> lone = new TreeMap<>();
    for (String s : STRATEGIES) {
      with.put(s, storm(repo, s));
      lone.put(s, lone(repo, s));
    }
    List<Row> rows = new ArrayList<>();
    for (String s : STRATEGIES) {
      Result r = with.get(s);
      long[] l = lone.get(s);
      String tag = s.equals("proportional") ? " (default)" : "";
      rows.add(
          new Row(
              "restart storm, " + CONNECTIONS + " connections, " + s + tag + ": calls failed after",
              r.failedAfter() + " of " + r.callsAfter(),
              without.failedAfter() + " of " + without.callsAfter(),
              "-",
              "0",
              r.failedAfter() == 0));
      rows.add(
          new Row(
              "  " + s + ": re-inits in the busiest 100 ms; failed attempts while down",
              r.maxPer100ms() + " (of " + r.reinits() + "); " + r.failedAttempts(),
              "-",
              "-",
              "<= 10 in 100 ms",
              r.maxPer100ms() <= 10));
      rows.add(
          new Row(
              "  " + s + ": server back -> restored, p50/max; lone connection, median/max",
              ms(r.restoredP50())
                  + "/"
                  + ms(r.restoredMax())
                  + "; "
                  + ms(l[l.length / 2])
                  + "/"
                  + ms(l[l.length - 1]),
              "-",
              "-",
              s.equals("proportional") ? "lone: about 1 s (median <= 1.5 s)" : "(compared)",
              !s.equals("proportional") || l[l.length / 2] <= 1_500));
    }
    return rows;
  }

  private static String ms(long ms) {
    return String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
  }

  private static List<String> agentArgs(Repo repo, String strategy) {
    return strategy == null
        ? List.of()
        : List.of(repo.agent("interval=30,backoff_jitter=" + strategy));
  }

  private static Result storm(Repo repo, String strategy) throws Exception {
    try (DemoServer server = new DemoServer(0, null, 0)) {
      List<String> args = new ArrayList<>();
      for (int i = 1; i <= CONNECTIONS; i++) {
        args.add("--server");
        args.add(
            "name=s" + i + ",url=http://127.0.0.1:" + server.port() + "/mcp,transport=streamable");
      }
      args.addAll(List.of("--calls", "12", "--every", "3s"));
      try (Child app =
          Child.start(agentArgs(repo, strategy), repo.sampleClasspath(), Startup.APP, args)) {
        Duration limit = Duration.ofSeconds(90);
        for (int i = 1; i <= CONNECTIONS; i++) {
          String name = "server=s" + i + " ";
          app.await(l -> l.startsWith("CALL ") && l.contains(name), limit, "s" + i + " calling");
        }
        Thread.sleep(4_000); // the fault's timing: a few calls of every connection first
        server.stop();
        long down = System.nanoTime();
        Thread.sleep(2_000); // the restart
        server.start();
        Instant back = Instant.now();
        long backNanos = System.nanoTime();
        app.await(l -> l.startsWith("SUMMARY server=s" + CONNECTIONS + " "), limit, "the end");
        Thread.sleep(1_000); // the other summaries
        int after = 0;
        int failed = 0;
        int failedAttempts = 0;
        Map<Long, Integer> windows = new TreeMap<>();
        Map<String, Long> restored = new HashMap<>();
        int reinits = 0;
        for (Child.Line l : app.lines()) {
          Matcher c = CALL.matcher(l.text());
          if (c.find()) {
            Instant start = Instant.parse(c.group(1)).minusMillis(Long.parseLong(c.group(4)));
            if (start.isAfter(back)) {
              after++;
              failed += c.group(3).equals("failed") ? 1 : 0;
            }
          }
          Matcher r = REINIT.matcher(l.text());
          if (r.find()) {
            reinits++;
            windows.merge(Instant.parse(r.group(1)).toEpochMilli() / 100, 1, Integer::sum);
            restored.putIfAbsent(r.group(2), TimeUnit.NANOSECONDS.toMillis(l.nanos() - backNanos));
          }
          if (l.nanos() > down
              && l.nanos() < backNanos
              && ATTEMPT_FAILED.matcher(l.text()).find()) {
            failedAttempts++;
          }
        }
        int max = windows.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        long[] times = restored.values().stream().mapToLong(Long::longValue).sorted().toArray();
        long p50 = times.length == 0 ? 0 : times[times.length / 2];
        long worst = times.length == 0 ? 0 : times[times.length - 1];
        System.out.printf(
            Locale.ROOT,
            "   storm, %s: %d of %d calls after the server was back failed; %d re-initializations,"
                + " at most %d in 100 ms; %d failed attempts while down; restored p50 %d ms, max %d ms"
                + " after the server was back (%d connections)%n",
            strategy == null ? "without agent" : "agent, backoff_jitter=" + strategy,
            failed,
            after,
            reinits,
            max,
            failedAttempts,
            p50,
            worst,
            times.length);
        return new Result(after, failed, reinits, max, failedAttempts, p50, worst);
      }
    }
  }

  /** Server back -> the lone connection's session restored, per round, sorted (ms). */
  private static long[] lone(Repo repo, String strategy) throws Exception {
    try (DemoServer server = new DemoServer(0, null, 0)) {
      List<String> args =
          List.of(
              "--server",
              "name=lone,url=http://127.0.0.1:" + server.port() + "/mcp,transport=streamable",
              "--calls",
              "40",
              "--every",
              "3s");
      try (Child app =
          Child.start(agentArgs(repo, strategy), repo.sampleClasspath(), Startup.APP, args)) {
        app.await(l -> l.startsWith("CALL "), Duration.ofSeconds(60), "the first call");
        long[] took = new long[LONE_ROUNDS];
        for (int round = 0; round < LONE_ROUNDS; round++) {
          Thread.sleep(
              1_000 + 700L * round); // the restart falls at a different point of a call's cycle
          server.stop();
          Thread.sleep(2_000);
          server.start();
          long back = System.nanoTime();
          int want = round + 1;
          long deadline = back + TimeUnit.SECONDS.toNanos(30);
          Child.Line restored = null;
          while (restored == null) {
            List<Child.Line> reinits =
                app.lines().stream().filter(l -> REINIT.matcher(l.text()).find()).toList();
            if (reinits.size() >= want) {
              restored = reinits.get(want - 1);
            } else if (System.nanoTime() > deadline) {
              throw new IllegalStateException("lone connection not restored:\n" + app.dump());
            } else {
              Thread.sleep(20); // polling the child's output
            }
          }
          took[round] = Math.max(0, TimeUnit.NANOSECONDS.toMillis(restored.nanos() - back));
        }
        Arrays.sort(took);
        System.out.printf(
            Locale.ROOT,
            "   lone connection, backoff_jitter=%s: server back -> restored (ms) %s%n",
            strategy,
            Arrays.toString(took));
        return took;
      }
    }
  }
}
