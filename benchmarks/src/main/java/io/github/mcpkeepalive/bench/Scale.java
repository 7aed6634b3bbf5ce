package io.github.mcpkeepalive.bench;

import io.github.mcpkeepalive.bench.Benchmarks.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * 10 000 connections on the one scheduler thread, heap per connection, registry operations. A
 * registry operation on 10 000 connections is a hash lookup like on 100, but its entries no longer
 * fit in the CPU's first-level cache: a few times slower, never a hundred times.
 */
final class Scale {

  static final int CONNECTIONS = 10_000;
  private static final Pattern HEAP = Pattern.compile("SCALE heap_bytes_per_connection (\\d+)");
  private static final Pattern LATE =
      Pattern.compile(
          "SCALE pings (\\d+) of (\\d+) lateness_ms p50 (\\S+) p99 (\\S+) p999 (\\S+) max (\\S+)");

  private Scale() {}

  static List<Row> run(Repo repo) throws Exception {
    List<Row> rows = new ArrayList<>();
    try (Child probe =
        Child.start(
            List.of("-Xmx512m"),
            repo.benchWithAgentClasses(),
            ScaleProbe.class.getName(),
            List.of(Integer.toString(CONNECTIONS), "5", "2"))) {
      if (probe.awaitExit(Duration.ofSeconds(90)) != 0) {
        throw new IllegalStateException("scale probe failed:\n" + probe.dump());
      }
      System.out.print(probe.dump());
      Matcher heap = find(probe, HEAP);
      Matcher late = find(probe, LATE);
      long bytes = Long.parseLong(heap.group(1));
      int sent = Integer.parseInt(late.group(1));
      int wanted = Integer.parseInt(late.group(2));
      double p99 = Double.parseDouble(late.group(4));
      double max = Double.parseDouble(late.group(6));
      rows.add(
          new Row(
              "heap per registered connection (" + CONNECTIONS + " connections)",
              bytes + " B",
              "-",
              "-",
              "<= 2048 B",
              bytes <= 2048));
      rows.add(
          new Row(
              "idle-ping lateness, "
                  + CONNECTIONS
                  + " connections, 1 thread, interval 5 s: p50/p99/p99.9/max",
              late.group(3)
                  + "/"
                  + late.group(4)
                  + "/"
                  + late.group(5)
                  + "/"
                  + late.group(6)
                  + " ms ("
                  + sent
                  + " pings)",
              "-",
              "-",
              "all sent; p99 <= 50 ms; max <= 500 ms",
              sent == wanted && p99 <= 50 && max <= 500));
    }
    List<JmhChild.Score> scores =
        JmhChild.run(repo.benchWithAgentClasses(), "RegistryBenchmark", 2, 1, 3, 1, List.of());
    Map<String, Map<String, Double>> byOp = new TreeMap<>();
    for (JmhChild.Score s : scores) {
      byOp.computeIfAbsent(
              s.benchmark().substring(s.benchmark().indexOf('.') + 1), k -> new TreeMap<>())
          .put(s.params().get("size"), s.score());
    }
    for (Map.Entry<String, Map<String, Double>> e : byOp.entrySet()) {
      double small = e.getValue().get("100");
      double large = e.getValue().get("10000");
      System.out.printf(
          Locale.ROOT,
          "   registry %s: %.1f ns at 100, %.1f ns at 10000%n",
          e.getKey(),
          small,
          large);
      rows.add(
          new Row(
              "registry " + e.getKey() + ": ns/op at 10 000 vs 100 connections (JMH)",
              String.format(Locale.ROOT, "%.0f ns vs %.0f ns", large, small),
              "-",
              Benchmarks.ratio(large / small),
              "<= 10 (O(n): 100)",
              large / small <= 10));
    }
    return rows;
  }

  private static Matcher find(Child c, Pattern p) {
    for (String l : c.matching(l -> p.matcher(l).find())) {
      Matcher m = p.matcher(l);
      if (m.find()) {
        return m;
      }
    }
    throw new IllegalStateException("no " + p + " in\n" + c.dump());
  }
}
