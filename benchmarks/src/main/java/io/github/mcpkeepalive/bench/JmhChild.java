package io.github.mcpkeepalive.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs one JMH benchmark class in a JVM of its own (so that its forks get exactly this JVM's class
 * path) and prints one {@code RESULT} line per score for the runner.
 *
 * <pre>
 * JmhChild regex warmups warmupSeconds iterations iterationSeconds forks [jvmArg…]
 * </pre>
 */
public final class JmhChild {

  /** One score: benchmark method, parameters, score and its 99.9 % error, unit. */
  record Score(
      String benchmark, Map<String, String> params, double score, double error, String unit) {

    static Score parse(String line) {
      String[] f = line.split(" ");
      Map<String, String> params = new TreeMap<>();
      if (!f[2].equals("-")) {
        for (String kv : f[2].split(",")) {
          params.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
      }
      return new Score(f[1], params, Double.parseDouble(f[3]), Double.parseDouble(f[4]), f[5]);
    }
  }

  private JmhChild() {}

  public static void main(String[] args) throws Exception {
    ChainedOptionsBuilder o =
        new OptionsBuilder()
            .include(args[0])
            .warmupIterations(Integer.parseInt(args[1]))
            .warmupTime(TimeValue.seconds(Long.parseLong(args[2])))
            .measurementIterations(Integer.parseInt(args[3]))
            .measurementTime(TimeValue.seconds(Long.parseLong(args[4])))
            .forks(Integer.parseInt(args[5]))
            .shouldFailOnError(true);
    List<String> jvmArgs = new ArrayList<>(List.of(args).subList(6, args.length));
    if (!jvmArgs.isEmpty()) {
      o = o.jvmArgsAppend(jvmArgs.toArray(new String[0]));
    }
    Collection<RunResult> results = new Runner(o.build()).run();
    for (RunResult r : results) {
      Result<?> p = r.getPrimaryResult();
      StringBuilder params = new StringBuilder();
      for (String k : r.getParams().getParamsKeys()) {
        params
            .append(params.length() == 0 ? "" : ",")
            .append(k)
            .append('=')
            .append(r.getParams().getParam(k));
      }
      String method = r.getParams().getBenchmark();
      System.out.println(
          String.format(
              Locale.ROOT,
              "RESULT %s %s %s %s %s",
              method.substring(method.lastIndexOf('.', method.lastIndexOf('.') - 1) + 1),
              params.length() == 0 ? "-" : params,
              Double.toString(p.getScore()),
              Double.toString(Double.isNaN(p.getScoreError()) ? 0 : p.getScoreError()),
              p.getScoreUnit().replace(' ', '_')));
    }
  }

  /** Runs {@code regex} in a child JVM with class path {@code classpath}; returns its scores. */
  static List<Score> run(
      String classpath,
      String regex,
      int warmups,
      int warmupSeconds,
      int iterations,
      int iterationSeconds,
      List<String> forkJvmArgs)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                regex,
                "" + warmups,
                "" + warmupSeconds,
                "" + iterations,
                "" + iterationSeconds,
                "1"));
    args.addAll(forkJvmArgs);
    try (Child c = Child.start(List.of(), classpath, JmhChild.class.getName(), args)) {
      int exit = c.awaitExit(java.time.Duration.ofMinutes(10));
      List<Score> scores = new ArrayList<>();
      for (String l : c.matching(l -> l.startsWith("RESULT "))) {
        scores.add(Score.parse(l));
      }
      if (exit != 0 || scores.isEmpty()) {
        throw new IllegalStateException("JMH run of " + regex + " failed:\n" + c.dump());
      }
      return scores;
    }
  }
}
