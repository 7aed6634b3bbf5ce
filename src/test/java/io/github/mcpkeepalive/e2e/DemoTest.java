package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's demo, on a shorter timeline: it runs the plain and the healed app side by side and
 * prints a table in which the agent column recovers from every fault and the plain one does not;
 * with {@code --webflux} the app is the Spring AI WebFlux sample.
 */
class DemoTest {

  @Test
  void theDemoPrintsTheSideBySideTable() throws Exception {
    runDemo("demo", List.of());
  }

  @Test
  void theWebFluxDemoPrintsTheSideBySideTable() throws Exception {
    String webflux =
        Path.of("../sample-spring-ai-webflux/target/sample-spring-ai-webflux.jar")
            .toAbsolutePath()
            .normalize()
            .toString();
    List<String> output = runDemo("demo-webflux", List.of("--webflux", webflux));
    assertTrue(
        output.stream().anyMatch(l -> l.contains("(Spring AI's WebFlux MCP client")),
        () -> "the demo ran the WebFlux app\n" + String.join("\n", output));
  }

  /** Runs the demo with {@code extra} arguments and checks its table; returns its output. */
  private static List<String> runDemo(String label, List<String> extra) throws Exception {
    String jar =
        Path.of("../sample-app/target/sample-app.jar").toAbsolutePath().normalize().toString();
    List<String> args = new ArrayList<>();
    args.addAll(extra);
    args.addAll(
        List.of(
            "--agent",
            AppProcess.agentJar(),
            "--every",
            "8s",
            "--calls",
            "5",
            "--restart-at",
            "12s",
            "--restart-down",
            "2s",
            "--blackhole-at",
            "22s",
            "--blackhole-for",
            "8s"));
    try (AppProcess demo =
        AppProcess.start(label, null, List.of(), jar, "io.github.mcpkeepalive.sample.Demo", args)) {
      assertEquals(0, demo.awaitExit(Duration.ofSeconds(120)), demo::dump);
      String header = row(demo, "");
      assertTrue(header.contains("without agent") && header.contains("with agent"), demo::dump);
      String[] restart = cells(row(demo, "recovered after the server restart"));
      assertEquals("never", restart[1], demo::dump);
      assertFalse(restart[2].equals("never"), demo::dump);
      String[] blackhole = cells(row(demo, "recovered after the blackhole"));
      assertFalse(blackhole[2].equals("never"), demo::dump);
      String[] sse = cells(row(demo, "sse: calls ok / failed"));
      assertTrue(
          Integer.parseInt(sse[1].split(" / ")[1]) >= 3,
          () -> "the plain SSE client fails\n" + demo.dump());
      assertTrue(
          Integer.parseInt(sse[2].split(" / ")[1]) <= 1,
          () -> "with the agent only a call in the blackhole may fail\n" + demo.dump());
      assertTrue(
          Integer.parseInt(cells(row(demo, "sessions re-initialized by the agent"))[2]) >= 2,
          demo::dump);
      return demo.texts();
    }
  }

  private static String row(AppProcess demo, String label) {
    return demo.texts().stream()
        .filter(
            l ->
                l.contains(" | ")
                    && l.trim().startsWith(label)
                    && (!label.isEmpty() || l.contains("without agent")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no table row '" + label + "'\n" + demo.dump()));
  }

  private static String[] cells(String row) {
    String[] c = row.split("\\|");
    for (int i = 0; i < c.length; i++) {
      c[i] = c[i].trim();
    }
    return c;
  }
}
