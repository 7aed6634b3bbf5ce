package io.github.mcpkeepalive.bench;

import io.github.mcpkeepalive.bench.Benchmarks.Row;
import io.github.mcpkeepalive.sample.DemoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * From the server being back to the session restored: the sample app (SSE and Streamable HTTP) with
 * the agent, the server down until the third reconnect attempt failed, then back in the middle of
 * the next backoff step. The agent's log says when it planned the next attempt and how long the
 * re-initialization took; the runner knows when the server came back and reads the line that
 * reports the session restored.
 */
final class Recovery {

  private static final Pattern TRANSITION =
      Pattern.compile("\\] \\S+ \\w+ (c\\d+) (sse|streamable) .*: (\\w+) -> (\\w+) \\((.*)\\)$");
  private static final Pattern NEXT = Pattern.compile("next attempt in ([\\d.]+) s");
  private static final Pattern TOOK = Pattern.compile("session re-initialized in (\\d+) ms");

  private Recovery() {}

  static List<Row> run(Repo repo) throws Exception {
    try (DemoServer server = new DemoServer(0, null, 0)) {
      List<String> args =
          List.of(
              "--server",
              "name=sse,url=http://127.0.0.1:" + server.port() + "/sse,transport=sse",
              "--server",
              "name=http,url=http://127.0.0.1:" + server.port() + "/mcp,transport=streamable",
              "--calls",
              "2",
              "--every",
              "40s");
      try (Child app =
          Child.start(
              List.of(repo.agent("interval=30,backoff_initial=1,backoff_max=8")),
              repo.sampleClasspath(),
              Startup.APP,
              args)) {
        Duration limit = Duration.ofSeconds(60);
        for (String transport : new String[] {"sse", "streamable"}) {
          app.await(
              l -> transition(l, transport, "NEW", "CONNECTED") != null,
              limit,
              transport + " connected");
        }
        server.stop();
        for (String transport : new String[] {"sse", "streamable"}) {
          app.await(
              l -> {
                Matcher m = transition(l, transport, "RECONNECTING", "DISCONNECTED");
                return m != null && m.group(5).startsWith("attempt 3 failed");
              },
              limit,
              transport + " third failed attempt");
        }
        Thread.sleep(
            1500); // the server comes back 1.5 s into the pending backoff step (the fault's timing)
        server.start();
        long back = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        for (String transport : new String[] {"sse", "streamable"}) {
          Child.Line restored =
              app.await(
                  l -> transition(l, transport, "RECONNECTING", "CONNECTED") != null,
                  limit,
                  transport + " restored");
          double planned = Double.NaN;
          for (Child.Line l : app.lines()) {
            Matcher m = transition(l.text(), transport, "RECONNECTING", "DISCONNECTED");
            if (m != null && l.nanos() < back) {
              Matcher next = NEXT.matcher(m.group(5));
              if (next.find()) {
                planned = l.nanos() + Double.parseDouble(next.group(1)) * 1e9;
              }
            }
          }
          Matcher took =
              TOOK.matcher(
                  transition(restored.text(), transport, "RECONNECTING", "CONNECTED").group(5));
          double init = took.find() ? Double.parseDouble(took.group(1)) * 1e6 : Double.NaN;
          double pending = Math.max(0, planned - back);
          double measured = restored.nanos() - back;
          double bound =
              pending + init + 100e6; // 100 ms: reading the log line through a pipe, scheduling
          System.out.printf(
              Locale.ROOT,
              "   %s: back -> restored %.0f ms; pending step %.0f ms; re-initialization %.0f ms%n",
              transport,
              measured / 1e6,
              pending / 1e6,
              init / 1e6);
          rows.add(
              new Row(
                  "server back -> session restored, " + transport + " (pending step + initialize)",
                  String.format(
                      Locale.ROOT,
                      "%.2f s (%.2f + %.3f)",
                      measured / 1e9,
                      pending / 1e9,
                      init / 1e9),
                  "never",
                  "-",
                  "<= pending step + initialize + 0.1 s",
                  measured <= bound));
        }
        return rows;
      }
    }
  }

  /**
   * The match of an agent state-change line of {@code transport} from {@code from} to {@code to},
   * or null.
   */
  private static Matcher transition(String line, String transport, String from, String to) {
    Matcher m = TRANSITION.matcher(line);
    return m.find()
            && m.group(2).equals(transport)
            && m.group(3).equals(from)
            && m.group(4).equals(to)
        ? m
        : null;
  }
}
