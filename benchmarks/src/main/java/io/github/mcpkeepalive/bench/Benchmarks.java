package io.github.mcpkeepalive.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs every benchmark of the agent and prints one table: figure, with the agent, without it, their
 * ratio, the target, and whether it is met.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--only startup,calls,traffic,scale,recovery,storm]
 *     [--compare-agent JAR[=agent-arguments]]...
 * </pre>
 *
 * Run from the repository root after {@code mvn -DskipTests package}; it needs the packaged agent
 * ({@code agent/target/mcp-keepalive-agent.jar}) and sample app. Exit status 1 if a target is
 * missed. Every {@code --compare-agent} jar (an earlier build of the agent, say) is started in the
 * same start-up rounds as this one, and its added time reported beside it.
 */
public final class Benchmarks {

  /** One line of the result table. */
  record Row(
      String figure, String with, String without, String ratio, String target, boolean pass) {}

  static final List<String> SECTIONS =
      List.of("startup", "calls", "traffic", "scale", "recovery", "storm");

  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    Set<String> only = new LinkedHashSet<>(SECTIONS);
    List<Path> compared = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--only") && i + 1 < args.length) {
        only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
        only.removeIf(s -> !SECTIONS.contains(s));
      } else if (args[i].equals("--compare-agent") && i + 1 < args.length) {
        // JAR or JAR=agent-arguments: started as -javaagent:JAR=agent-arguments
        String spec = args[++i];
        int arguments = spec.indexOf(".jar=");
        Path jar =
            Path.of(arguments < 0 ? spec : spec.substring(0, arguments + ".jar".length()))
                .toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
          System.err.println("--compare-agent: no such file: " + jar);
          System.exit(2);
        }
        compared.add(
            arguments < 0
                ? jar
                : jar.resolveSibling(jar.getFileName() + spec.substring(arguments + 4)));
      } else {
        System.err.println(
            "usage: java -jar benchmarks/target/benchmarks.jar [--only "
                + String.join(",", SECTIONS)
                + "] [--compare-agent JAR[=agent-arguments]]...");
        System.exit(2);
      }
    }
    Repo repo = Repo.find();
    String machine = machine();
    System.out.println("mcp-keepalive-agent benchmarks on " + machine);
    long begin = System.nanoTime();
    List<Row> rows = new ArrayList<>();
    for (String section : only) {
      long t = System.nanoTime();
      System.out.println("== " + section);
      switch (section) {
        case "startup" -> rows.addAll(Startup.run(repo, compared));
        case "calls" -> rows.addAll(PerCall.run(repo));
        case "traffic" -> rows.addAll(Traffic.run(repo));
        case "scale" -> rows.addAll(Scale.run(repo));
        case "recovery" -> rows.addAll(Recovery.run(repo));
        case "storm" -> rows.addAll(Storm.run(repo));
        default -> throw new IllegalArgumentException(section);
      }
      System.out.printf(
          Locale.ROOT, "   (%s took %.0f s)%n", section, (System.nanoTime() - t) / 1e9);
    }
    String table = table(rows);
    System.out.println();
    System.out.println(table);
    System.out.printf(
        Locale.ROOT, "machine: %s; total %.0f s%n", machine, (System.nanoTime() - begin) / 1e9);
    Path out = repo.root().resolve("benchmarks/target/benchmark-results.md");
    Files.writeString(out, "```\n" + table + "```\nmachine: " + machine + "\n");
    System.out.println("table written to " + repo.root().relativize(out));
    System.exit(rows.stream().allMatch(Row::pass) ? 0 : 1);
  }

  static String table(List<Row> rows) {
    String[] head = {"figure", "with agent", "without", "ratio", "target", "pass"};
    int[] w = new int[head.length];
    List<String[]> cells = new ArrayList<>();
    cells.add(head);
    for (Row r : rows) {
      cells.add(
          new String[] {
            r.figure(), r.with(), r.without(), r.ratio(), r.target(), r.pass() ? "pass" : "FAIL"
          });
    }
    for (String[] c : cells) {
      for (int i = 0; i < c.length; i++) {
        w[i] = Math.max(w[i], c[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int n = 0; n < cells.size(); n++) {
      String[] c = cells.get(n);
      for (int i = 0; i < c.length; i++) {
        sb.append(i == 0 ? "" : " | ").append(String.format(Locale.ROOT, "%-" + w[i] + "s", c[i]));
      }
      sb.append('\n');
      if (n == 0) {
        for (int i = 0; i < w.length; i++) {
          sb.append(i == 0 ? "" : "-+-").append("-".repeat(w[i]));
        }
        sb.append('\n');
      }
    }
    return sb.toString().replaceAll(" +\n", "\n");
  }

  static String machine() {
    String cpu = "unknown CPU";
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      cpu =
          lines
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .findFirst()
              .orElse(cpu);
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    long memory =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %.1f GiB RAM, %s %s, Java %s",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        memory / (1024.0 * 1024 * 1024),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("java.vm.version"));
  }

  static String ms(double nanos) {
    return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
  }

  static String s(double nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  static String ratio(double r) {
    return String.format(Locale.ROOT, "%.3f", r);
  }

  static double median(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    v.sort(null);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
