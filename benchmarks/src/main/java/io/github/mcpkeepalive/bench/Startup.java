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
 * the Spring AI sample, with and without the agent in pairs of runs made back to back; the
 * OpenTelemetry Java agent on the same app for comparison; then how many classes the agent looked
 * at beyond their name, read from its {@code status} command.
 */
final class Startup {

  static final int ROUNDS = 24;
  static final int SPRING_ROUNDS = 8;
  static final int OTEL_ROUNDS = 3;
  static final String OTEL_VERSION = "2.10";
  static final String APP = "io.github.mcpkeepalive.sample.SampleApp";
  private static final Pattern CLASSES =
      Pattern.compile("classes: (\\d+) loaded since the agent started, (\\d+) of them examined");

  private Startup() {}

  static List<Row> run(Repo repo) throws Exception {
    try (DemoServer server = new DemoServer(0, null, 0)) {
      List<String> args =
          List.of(
              "--server",
              "name=a,url=http://127.0.0.1:" + server.port() + "/mcp,transport=streamable",
              "--calls",
              "1",
              "--every",
              "1ms");
      Path noop = NoopAgent.jar(Files.createTempDirectory("mcp-keepalive-bench"));
      List<String> noopAgent = List.of("-javaagent:" + noop);
      firstCall(
          repo, (String) null, args); // the first run of each warms the file cache; not counted
      firstCall(repo, "", args);
      firstCall(repo, noopAgent, args);
      List<Run> with = new ArrayList<>();
      List<Run> without = new ArrayList<>();
      List<Run> withNoop = new ArrayList<>();
      for (int i = 0; i < ROUNDS; i++) {
        // the three runs of a round in an order that rotates from round to round
        for (int k = 0; k < 3; k++) {
          switch ((i + k) % 3) {
            case 0:
              without.add(firstCall(repo, (String) null, args));
              break;
            case 1:
              withNoop.add(firstCall(repo, noopAgent, args));
              break;
            default:
              with.add(firstCall(repo, "", args));
          }
        }
      }
      List<Run> otel = new ArrayList<>();
      List<String> otelAgent =
          List.of(
              "-javaagent:"
                  + repo.root().resolve("benchmarks/target/otel/opentelemetry-javaagent.jar"),
              "-Dotel.traces.exporter=none",
              "-Dotel.metrics.exporter=none",
              "-Dotel.logs.exporter=none");
      for (int i = 0; i < OTEL_ROUNDS; i++) {
        List<String> command = new ArrayList<>(otelAgent);
        command.addAll(List.of("-cp", repo.sampleClasspath(), APP));
        command.addAll(args);
        otel.add(firstCall(List.of(), command));
      }
      System.out.printf(
          Locale.ROOT,
          "   start to first call, ms: with %s, without %s, OpenTelemetry agent %s%n",
          millis(with, Run::wall),
          millis(without, Run::wall),
          millis(otel, Run::wall));
      System.out.printf(
          Locale.ROOT,
          "   CPU time used by then, ms: with %s, without %s%n",
          millis(with, Run::cpu),
          millis(without, Run::cpu));
      double w = median(with, Run::wall);
      double wo = median(without, Run::wall);
      double ot = median(otel, Run::wall);
      double ratio = pairedRatio(with, without, Run::wall);
      double added = pairedDifference(with, without, Run::wall);
      double[] range = pairedDifferenceRange(with, without, Run::wall);
      double noopAdded = pairedDifference(withNoop, without, Run::wall);
      System.out.printf(
          Locale.ROOT,
          "   start to first call, ms, with a transformer that changes nothing: %s%n",
          millis(withNoop, Run::wall));
      List<Row> rows = new ArrayList<>();
      rows.add(
          new Row(
              "JVM start -> first MCP call, sample app (" + ROUNDS + " pairs)",
              Benchmarks.ms(w)
                  + String.format(
                      Locale.ROOT,
                      " (+%.0f; 95%% CI %+.0f..%+.0f)",
                      added / 1e6,
                      range[0] / 1e6,
                      range[1] / 1e6),
              Benchmarks.ms(wo),
              Benchmarks.ratio(ratio),
              "<= 1.10 and <= +150 ms",
              ratio <= 1.10 && added <= 150e6));
      rows.add(
          new Row(
              "  of which any transforming agent costs the JVM (a no-op transformer, same pairs)",
              String.format(Locale.ROOT, "+%.0f ms", noopAdded / 1e6),
              "-",
              Benchmarks.ratio(pairedRatio(withNoop, without, Run::wall)),
              "reported",
              true));
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
      rows.add(
          new Row(
              "start-up time added: this agent vs OpenTelemetry Java agent "
                  + OTEL_VERSION
                  + " (exporters off), sample app",
              String.format(Locale.ROOT, "+%.0f ms", added / 1e6),
              String.format(Locale.ROOT, "+%.0f ms (OTel)", (ot - wo) / 1e6),
              Benchmarks.ratio(added / (ot - wo)),
              "a small fraction: <= 0.25",
              added / (ot - wo) <= 0.25));
      rows.add(springBoot(repo, server));
      rows.add(narrowness(repo, server));
      return rows;
    }
  }

  /** The same for the Spring AI sample (Spring Boot 4, both transports), as an executable jar. */
  private static Row springBoot(Repo repo, DemoServer server) throws Exception {
    List<String> args =
        List.of(
            "-jar",
            repo.root().resolve("sample-spring-ai/target/sample-spring-ai.jar").toString(),
            "--mcp.base-url=http://127.0.0.1:" + server.port(),
            "--app.every=1ms",
            "--app.calls=1");
    List<Run> with = new ArrayList<>();
    List<Run> without = new ArrayList<>();
    for (int i = 0; i < SPRING_ROUNDS; i++) {
      boolean agentFirst = i % 2 == 1;
      (agentFirst ? with : without)
          .add(firstCall(agentFirst ? List.of(repo.agent("")) : List.of(), args));
      (agentFirst ? without : with)
          .add(firstCall(agentFirst ? List.of() : List.of(repo.agent("")), args));
    }
    System.out.printf(
        Locale.ROOT,
        "   Spring Boot app, start to first call, ms: with %s, without %s%n",
        millis(with, Run::wall),
        millis(without, Run::wall));
    double ratio = pairedRatio(with, without, Run::wall);
    return new Row(
        "JVM start -> first MCP call, Spring AI app (" + SPRING_ROUNDS + " pairs)",
        Benchmarks.ms(median(with, Run::wall))
            + String.format(
                Locale.ROOT, " (+%.0f)", pairedDifference(with, without, Run::wall) / 1e6),
        Benchmarks.ms(median(without, Run::wall)),
        Benchmarks.ratio(ratio),
        "<= 1.05",
        ratio <= 1.05);
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
    List<Double> d = new ArrayList<>();
    for (int i = 0; i < with.size(); i++) {
      d.add(figure.applyAsDouble(with.get(i)) - figure.applyAsDouble(without.get(i)));
    }
    d.sort(null);
    int n = d.size();
    int k = (int) Math.floor(n / 2.0 - 0.98 * Math.sqrt(n)); // 1.96 * sqrt(n) / 2
    k = Math.max(0, Math.min(k, n - 1));
    return new double[] {d.get(k), d.get(n - 1 - k)};
  }

  /** The median of the differences within pairs, in nanoseconds. */
  static double pairedDifference(List<Run> with, List<Run> without, ToDoubleFunction<Run> figure) {
    List<Double> differences = new ArrayList<>();
    for (int i = 0; i < with.size(); i++) {
      differences.add(figure.applyAsDouble(with.get(i)) - figure.applyAsDouble(without.get(i)));
    }
    return Benchmarks.median(differences);
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

  static Run firstCall(Repo repo, String agentArgs, List<String> args) throws Exception {
    return firstCall(
        repo, agentArgs == null ? List.<String>of() : List.of(repo.agent(agentArgs)), args);
  }

  static Run firstCall(Repo repo, List<String> jvm, List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of("-cp", repo.sampleClasspath(), APP));
    command.addAll(args);
    return firstCall(jvm, command);
  }

  private static Run firstCall(List<String> jvm, List<String> command) throws Exception {
    List<String> all = new ArrayList<>(jvm);
    all.addAll(command);
    try (Child app = Child.java(all)) {
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
            "classes examined beyond their name, of all loaded (SSE + HTTP app)",
            examined + " of " + seen,
            "-",
            "-",
            "only the 6 instrumented",
            examined == 6);
      }
    }
  }

  private static String millis(List<Run> runs, ToDoubleFunction<Run> figure) {
    StringBuilder sb = new StringBuilder("[");
    for (Run r : runs) {
      sb.append(sb.length() > 1 ? " " : "").append(Math.round(figure.applyAsDouble(r) / 1e6));
    }
    return sb.append(']').toString();
  }
}
