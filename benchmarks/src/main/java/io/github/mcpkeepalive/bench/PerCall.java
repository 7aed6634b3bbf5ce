package io.github.mcpkeepalive.bench;

import io.github.mcpkeepalive.bench.Benchmarks.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Per-call overhead, two ways. Precisely: the agent's own work per call ({@link HookBenchmark})
 * against the mean time of a call without the agent. End to end: JMH calls/s of {@link
 * CallBenchmark} with and without the agent, in alternating forks. On two shared cores the
 * client, server and JIT compiler threads of the whole HTTP stack keep speeding the calls up for
 * more than a minute, so forks differ by several per cent, far more than the agent costs: the end
 * to end figure can only show that no difference stands out of that spread.
 */
final class PerCall {

  static final int ROUNDS = 2;

  private PerCall() {}

  static List<Row> run(Repo repo) throws Exception {
    List<Double> with = new ArrayList<>();
    List<Double> without = new ArrayList<>();
    for (int i = 0; i < ROUNDS; i++) {
      boolean agentFirst = i % 2 == 1;
      for (boolean agent : agentFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
        List<String> jvm = agent ? List.of(repo.agent("interval=30")) : List.of();
        JmhChild.Score s = JmhChild.run(repo.benchClasspath(), "CallBenchmark", 8, 3, 4, 3, jvm).get(0);
        System.out.printf(Locale.ROOT, "   %s agent: %.0f ± %.0f calls/s%n", agent ? "with" : "without", s.score(), s.error());
        (agent ? with : without).add(s.score());
      }
    }
    double w = Benchmarks.median(with);
    double wo = Benchmarks.median(without);
    double spread = (Collections.max(without) - Collections.min(without)) / 2 / wo;

    double baseline = Double.NaN;
    double hooks = Double.NaN;
    for (JmhChild.Score s : JmhChild.run(repo.benchWithAgentClasses(), "HookBenchmark", 3, 1, 5, 1, List.of())) {
      if (s.benchmark().endsWith(".baseline")) {
        baseline = s.score();
      } else {
        hooks = s.score();
      }
    }
    double perCallNanos = hooks - baseline;
    double callNanos = 1e9 / wo;
    double share = perCallNanos / callNanos;
    System.out.printf(Locale.ROOT, "   hooks per call %.0f ns (request alone %.0f ns); a call takes %.0f us%n", perCallNanos, baseline, callNanos / 1e3);
    return List.of(
        new Row(
            "agent's work per MCP call (hooks, JMH) / mean call time",
            String.format(Locale.ROOT, "%.2f us / %.2f ms", perCallNanos / 1e3, callNanos / 1e6),
            "-",
            String.format(Locale.ROOT, "%.3f %%", share * 100),
            "<= 1 %",
            share <= 0.01),
        new Row(
            "MCP tool calls/s, Streamable HTTP, loopback (JMH, mean of " + ROUNDS + " forks)",
            String.format(Locale.ROOT, "%.0f/s", w),
            String.format(Locale.ROOT, "%.0f/s", wo),
            Benchmarks.ratio(w / wo),
            String.format(Locale.ROOT, ">= 0.99 - fork spread (%.1f %%)", spread * 100),
            w / wo >= 0.99 - spread));
  }
}
