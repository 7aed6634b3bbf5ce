package io.github.mcpkeepalive.bench;

import io.github.mcpkeepalive.bench.Benchmarks.Row;
import io.github.mcpkeepalive.sample.DemoServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A restart storm (issue 12): {@value #CONNECTIONS} Streamable HTTP connections in one JVM (the
 * sample app, one server), each calling every 3 s, lose their server at the same instant for 2 s.
 * Counts the calls made after the server was back that still failed, with and without the agent,
 * and, with the agent, its re-initializations per 100 ms window: the wave the server sees.
 */
final class Storm {

  static final int CONNECTIONS = 100;

  private static final Pattern CALL =
      Pattern.compile("^CALL (\\S+) server=(\\S+) n=\\d+ (ok|failed) latency_ms=(\\d+)");
  private static final Pattern REINIT =
      Pattern.compile(
          "\\[mcp-keepalive\\] (\\S+) INFO c\\d+ .*-> CONNECTED \\(session re-initialized");

  /** What one run showed. */
  record Result(int callsAfter, int failedAfter, int reinits, int maxPer100ms) {}

  private Storm() {}

  static List<Row> run(Repo repo) throws Exception {
    Result with = once(repo, true);
    Result without = once(repo, false);
    List<Row> rows = new ArrayList<>();
    rows.add(
        new Row(
            "restart storm, "
                + CONNECTIONS
                + " connections: calls failed after the server was back",
            with.failedAfter() + " of " + with.callsAfter(),
            without.failedAfter() + " of " + without.callsAfter(),
            "-",
            "0",
            with.failedAfter() == 0));
    rows.add(
        new Row(
            "restart storm: re-initializations in the busiest 100 ms (of all)",
            with.maxPer100ms() + " (of " + with.reinits() + ")",
            "-",
            "-",
            "<= 10",
            with.maxPer100ms() <= 10));
    return rows;
  }

  private static Result once(Repo repo, boolean agent) throws Exception {
    try (DemoServer server = new DemoServer(0, null, 0)) {
      List<String> args = new ArrayList<>();
      for (int i = 1; i <= CONNECTIONS; i++) {
        args.add("--server");
        args.add(
            "name=s" + i + ",url=http://127.0.0.1:" + server.port() + "/mcp,transport=streamable");
      }
      args.addAll(List.of("--calls", "12", "--every", "3s"));
      try (Child app =
          Child.start(
              agent ? List.of(repo.agent("interval=30")) : List.of(),
              repo.sampleClasspath(),
              Startup.APP,
              args)) {
        Duration limit = Duration.ofSeconds(90);
        for (int i = 1; i <= CONNECTIONS; i++) {
          String name = "server=s" + i + " ";
          app.await(l -> l.startsWith("CALL ") && l.contains(name), limit, "s" + i + " calling");
        }
        Thread.sleep(4_000); // the fault's timing: a few calls of every connection first
        server.stop();
        Thread.sleep(2_000); // the restart
        server.start();
        Instant back = Instant.now();
        app.await(l -> l.startsWith("SUMMARY server=s" + CONNECTIONS + " "), limit, "the end");
        Thread.sleep(1_000); // the other summaries
        int after = 0;
        int failed = 0;
        Map<Long, Integer> windows = new TreeMap<>();
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
          }
        }
        int max = windows.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        System.out.printf(
            Locale.ROOT,
            "   %s agent: %d of %d calls after the server was back failed; %d re-initializations, at most %d in 100 ms%n",
            agent ? "with" : "without",
            failed,
            after,
            reinits,
            max);
        return new Result(after, failed, reinits, max);
      }
    }
  }
}
