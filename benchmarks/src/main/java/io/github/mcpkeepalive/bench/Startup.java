package io.github.mcpkeepalive.bench;

import io.github.mcpkeepalive.bench.Benchmarks.Row;
import io.github.mcpkeepalive.sample.DemoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JVM start to the first successful MCP call of the sample app (a plain MCP Java SDK client) and of
 * the Spring AI sample, launched again and again in rounds: one run per arm (without an agent, with
 * a no-op transforming agent, with this agent, and with every agent jar given to compare) in an
 * order that rotates from round to round; the OpenTelemetry Java agent on the sample app for
 * comparison; then how many classes the agent looked at beyond their name, read from its {@code
 * status} command.
 */
final class Startup {

  static final int ROUNDS = 24;
  static final int SPRING_ROUNDS = 20;
  static final int OTEL_ROUNDS = 3;
  static final String OTEL_VERSION = "2.10";
  static final String APP = "io.github.mcpkeepalive.sample.SampleApp";
  private static final Pattern CLASSES =
      Pattern.compile(
          "classes: (\\d+) loaded while the agent watched class loads, (\\d+) of them examined");

  /** One way of starting an app: a name and the JVM options it adds. */
  record Arm(String name, List<String> jvm) {}

  private Startup() {}

  /**
   * The start-up rows; {@code compared} are other agent jars (an earlier build, say) run in the
   * same rounds, each reported beside this agent.
   */
  static List<Row> run(Repo repo, List<Path> compared) throws Exception {
    try (DemoServer server = new DemoServer(0, null, 0)) {
      Path noop = NoopAgent.jar(Files.createTempDirectory("mcp-keepalive-bench"));
      List<Arm> arms = new ArrayList<>();
      arms.add(new Arm("none", List.of()));
      arms.add(new Arm("agent", List.of(repo.agent(""))));
      arms.add(new Arm("no-op agent", List.of("-javaagent:" + noop)));
      for (Path jar : compared) {
        // named by its file, or by its path when another compared jar has the same file name
        boolean sameName =
            compared.stream().filter(j -> j.getFileName().equals(jar.getFileName())).count() > 1;
        arms.add(
            new Arm((sameName ? jar : jar.getFileName()).toString(), List.of("-javaagent:" + jar)));
      }
      List<String> sample = new ArrayList<>(List.of("-cp", repo.sampleClasspath(), APP));
      sample.addAll(
          List.of(
              "--server",
              "name=a,url=http://127.0.0.1:" + server.port() + "/mcp,transport=streamable",
              "--calls",
              "1",
              "--every",
              "1ms"));
      List<List<Run>> runs = rounds(arms, ROUNDS, sample);
      List<Run> without = runs.get(0);
      List<Run> with = runs.get(1);
      List<Run> otel = new ArrayList<>();
      List<String> otelCommand =
          new ArrayList<>(
              List.of(
                  "-javaagent:"
                      + repo.root().resolve("benchmarks/target/otel/opentelemetry-javaagent.jar"),
                  "-Dotel.traces.exporter=none",
                  "-Dotel.metrics.exporter=none",
                  "-Dotel.logs.exporter=none"));
      otelCommand.addAll(sample);
      for (int i = 0; i < OTEL_ROUNDS; i++) {
        otel.add(firstCall(otelCommand));
      }
      System.out.printf(
          Locale.ROOT, "   OpenTelemetry agent, start to first call, ms: %s%n", millis(otel));
      System.out.printf(
          Locale.ROOT,
          "   CPU time used by then, ms: with %s, without %s%n",
          millis(with, Run::cpu),
          millis(without, Run::cpu));
      List<Row> rows = new ArrayList<>();
      rows.addAll(added("sample app", runs, arms, "<= 1.10 and <= +150 ms", 1.10, 150e6));
      double cpuRatio = pairedRatio(with, without, Run::cpu);
      rows.add(
          new Row(
              "CPU time used by the first MCP call, sample app (all threads)",
              Benchmarks.ms(median(with, Run::cpu))
                  + String.format(
                      Locale.ROOT, " (+%.0f)", pairedDifference(with, without, Run::cpu) / 1e6),
              Benchmarks.ms(median(without, Run::cpu)),
              Benchmarks.ratio(cpuRatio),
              "reported",
              true));
      double added = pairedDifference(with, without, Run::wall);
      double ot = median(otel, Run::wall) - median(without, Run::wall);
      rows.add(
          new Row(
              "start-up time added: this agent vs OpenTelemetry Java agent "
                  + OTEL_VERSION
                  + " (exporters off), sample app",
              String.format(Locale.ROOT, "+%.0f ms", added / 1e6),
              String.format(Locale.ROOT, "+%.0f ms (OTel)", ot / 1e6),
              Benchmarks.ratio(added / ot),
              "a small fraction: <= 0.25",
              added / ot <= 0.25));
      List<String> spring =
          List.of(
              "-jar",
              repo.root().resolve("sample-spring-ai/target/sample-spring-ai.jar").toString(),
              "--mcp.base-url=http://127.0.0.1:" + server.port(),
              "--app.every=1ms",
              "--app.calls=1");
      rows.addAll(
          added(
              "Spring AI app",
              rounds(arms, SPRING_ROUNDS, spring),
              arms,
              "<= 1.05",
              1.05,
              Double.MAX_VALUE));
      rows.add(narrowness(repo, server));
      return rows;
    }
  }

  /**
   * {@code rounds} rounds of one run per arm, in an order that rotates from round to round, after
   * one uncounted run per arm (it warms the file cache); the runs of each arm, in the order of
   * {@code arms} and in round order, so that the i-th runs of two arms were made back to back.
   */
  static List<List<Run>> rounds(List<Arm> arms, int rounds, List<String> command) throws Exception {
    List<List<Run>> runs = new ArrayList<>();
    for (Arm arm : arms) {
      firstCall(arm, command);
      runs.add(new ArrayList<>());
    }
    for (int i = 0; i < rounds; i++) {
      for (int k = 0; k < arms.size(); k++) {
        int a = (i + k) % arms.size();
        runs.get(a).add(firstCall(arms.get(a), command));
      }
    }
    for (int a = 0; a < arms.size(); a++) {
      System.out.printf(
          Locale.ROOT,
          "   %s, start to first call, ms: %s%n",
          arms.get(a).name(),
          millis(runs.get(a)));
    }
    return runs;
  }

  /**
   * The rows of one app, one per arm after the first ("none"): this agent's added time (the second
   * arm) against the target (ratio at most {@code maxRatio}, added time at most {@code maxAdded}
   * nanoseconds), then the added time of every other arm in the same rounds, reported.
   */
  private static List<Row> added(
      String app,
      List<List<Run>> runs,
      List<Arm> arms,
      String target,
      double maxRatio,
      double maxAdded) {
    List<Run> without = runs.get(0);
    List<Row> rows = new ArrayList<>();
    for (int a = 1; a < arms.size(); a++) {
      List<Run> with = runs.get(a);
      double ratio = pairedRatio(with, without, Run::wall);
      double added = pairedDifference(with, without, Run::wall);
      double[] range = pairedDifferenceRange(with, without, Run::wall);
      String figure =
          Benchmarks.ms(median(with, Run::wall))
              + String.format(
                  Locale.ROOT,
                  " (%+.0f; 95%% CI %+.0f..%+.0f)",
                  added / 1e6,
                  range[0] / 1e6,
                  range[1] / 1e6);
      boolean ours = a == 1;
      rows.add(
          new Row(
              ours
                  ? "JVM start -> first MCP call, " + app + " (" + without.size() + " rounds)"
                  : "  with " + arms.get(a).name() + " instead (same rounds)",
              figure,
              ours ? Benchmarks.ms(median(without, Run::wall)) : "-",
              Benchmarks.ratio(ratio),
              ours ? target : "reported",
              !ours || (ratio <= maxRatio && added <= maxAdded)));
    }
    return rows;
  }

  /**
   * The median of the ratios of runs made back to back (with and without the agent, in alternating
   * order): a shared machine that slows down for a while slows both runs of a pair.
   */
  static double pairedRatio(List<Run> with, List<Run> without, ToDoubleFunction<Run> figure) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < with.size(); i++) {
      ratios.add(figure.applyAsDouble(with.get(i)) / figure.applyAsDouble(without.get(i)));
    }
    return Benchmarks.median(ratios);
  }

  /**
   * A 95 % confidence interval of the median of the differences within pairs (distribution-free:
   * the order statistics whose ranks the binomial distribution gives), in nanoseconds.
   */
  static double[] pairedDifferenceRange(
      List<Run> with, List<Run> without, ToDoubleFunction<Run> figure) {
    List<Double> d = differences(with, without, figure);
    d.sort(null);
    int n = d.size();
    int k = (int) Math.floor(n / 2.0 - 0.98 * Math.sqrt(n)); // 1.96 * sqrt(n) / 2
    k = Math.max(0, Math.min(k, n - 1));
    return new double[] {d.get(k), d.get(n - 1 - k)};
  }

  /** The median of the differences within pairs, in nanoseconds. */
  static double pairedDifference(List<Run> with, List<Run> without, ToDoubleFunction<Run> figure) {
    return Benchmarks.median(differences(with, without, figure));
  }

  /** The differences within pairs, in round order. */
  private static List<Double> differences(
      List<Run> with, List<Run> without, ToDoubleFunction<Run> figure) {
    List<Double> d = new ArrayList<>();
    for (int i = 0; i < with.size(); i++) {
      d.add(figure.applyAsDouble(with.get(i)) - figure.applyAsDouble(without.get(i)));
    }
    return d;
  }

  static double median(List<Run> runs, ToDoubleFunction<Run> figure) {
    List<Double> values = new ArrayList<>();
    runs.forEach(r -> values.add(figure.applyAsDouble(r)));
    return Benchmarks.median(values);
  }

  /**
   * One start: nanoseconds from launching the JVM to reading its first successful CALL line, and
   * the CPU time its threads had used by then (-1 when the system does not say).
   */
  record Run(double wall, double cpu) {}

  private static Run firstCall(Arm arm, List<String> command) throws Exception {
    List<String> all = new ArrayList<>(arm.jvm());
    all.addAll(command);
    return firstCall(all);
  }

  private static Run firstCall(List<String> command) throws Exception {
    try (Child app = Child.java(command)) {
      Child.Line ok =
          app.await(
              l -> l.startsWith("CALL ") && l.contains(" ok "),
              Duration.ofSeconds(60),
              "successful call");
      long cpu = app.cpuNanos();
      if (app.awaitExit(Duration.ofSeconds(30)) != 0) {
        throw new IllegalStateException("sample app failed:\n" + app.dump());
      }
      return new Run(ok.nanos() - app.startNanos, cpu);
    }
  }

  /** Classes the agent's transformer saw, and how many it looked at beyond a name lookup. */
  private static Row narrowness(Repo repo, DemoServer server) throws Exception {
    List<String> args =
        List.of(
            "--server",
            "name=a,url=http://127.0.0.1:" + server.port() + "/mcp,transport=streamable",
            "--server",
            "name=b,url=http://127.0.0.1:" + server.port() + "/sse,transport=sse",
            "--calls",
            "2",
            "--every",
            "30s");
    try (Child app = Child.start(List.of(repo.agent("")), repo.sampleClasspath(), APP, args)) {
      app.await(
          l -> l.startsWith("READY ") && l.contains("server=b"),
          Duration.ofSeconds(60),
          "READY line");
      app.await(
          l -> l.startsWith("READY ") && l.contains("server=a"),
          Duration.ofSeconds(60),
          "READY line");
      try (Child status =
          Child.start(
              List.of(),
              repo.agentJar().toString(),
              "io.github.mcpkeepalive.agent.Cli",
              List.of("status", Long.toString(app.pid())))) {
        Child.Line line =
            status.await(
                l -> CLASSES.matcher(l).find(),
                Duration.ofSeconds(60),
                "classes line of the status command");
        Matcher m = CLASSES.matcher(line.text());
        if (!m.find()) {
          throw new IllegalStateException(line.text());
        }
        long seen = Long.parseLong(m.group(1));
        long examined = Long.parseLong(m.group(2));
        System.out.println("   status: " + line.text());
        return new Row(
            "classes examined beyond their name, of those the agent saw load (SSE + HTTP app)",
            examined + " of " + seen,
            "-",
            "-",
            "only the 6 instrumented",
            examined == 6);
      }
    }
  }

  private static String millis(List<Run> runs) {
    return millis(runs, Run::wall);
  }

  private static String millis(List<Run> runs, ToDoubleFunction<Run> figure) {
    StringBuilder sb = new StringBuilder("[");
    for (Run r : runs) {
      sb.append(sb.length() > 1 ? " " : "").append(Math.round(figure.applyAsDouble(r) / 1e6));
    }
    return sb.append(']').toString();
  }
}
