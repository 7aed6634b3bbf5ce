package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Scenario (f) and bad input: the agent never harms its host. An application that uses no MCP
 * library runs exactly as without the agent; bad agent arguments give one clear error line naming
 * the key, the value and the accepted range, and the application runs normally without keepalive.
 */
class HarmlessTest {

  static final String PLAIN = "io.github.mcpkeepalive.sample.PlainApp";

  /** The sample app's own classes only: no MCP library, no Reactor, no Jackson on the classpath. */
  static String plainClasspath() {
    // the class directory, not the jar: the jar's manifest would bring the MCP libraries along
    Path classes = Path.of("../sample-app/target/classes").toAbsolutePath().normalize();
    if (!Files.isDirectory(classes)) {
      throw new IllegalStateException("sample app not built: " + classes);
    }
    return classes.toString();
  }

  static List<String> plainOutput(AppProcess app) {
    return app.texts().stream().filter(l -> l.startsWith("PLAIN ")).collect(Collectors.toList());
  }

  @Test
  void anAppWithoutMcpRunsUnchanged() throws Exception {
    try (AppProcess without =
            AppProcess.start(
                "plain-without-agent", null, List.of(), plainClasspath(), PLAIN, List.of("5"));
        AppProcess with =
            AppProcess.start(
                "plain-with-agent",
                "interval=5",
                List.of(),
                plainClasspath(),
                PLAIN,
                List.of("5", "20000"))) { // up until the agent's start line is written
      assertEquals(0, without.awaitExit(Duration.ofSeconds(30)), without::dump);
      assertEquals(0, with.awaitExit(Duration.ofSeconds(30)), with::dump);
      assertEquals(6, plainOutput(without).size(), without::dump);
      assertEquals(
          plainOutput(without), plainOutput(with), "same output with and without the agent");
      List<String> agent = with.agentLines();
      assertEquals(1, agent.size(), () -> "only the start banner from the agent\n" + with.dump());
      assertTrue(
          agent.get(0).contains(" INFO mcp-keepalive-agent ")
              && agent.get(0).contains("started: interval=5s"),
          agent.get(0));
      List<String> others =
          with.texts().stream()
              .filter(l -> !l.startsWith("PLAIN ") && !l.startsWith(AppProcess.AGENT_PREFIX))
              .collect(Collectors.toList());
      assertEquals(List.of(), others, "nothing else printed: no stack trace, no warning");
    }
  }

  @Test
  void anOutOfRangeArgumentIsNamedOnceAndTheMcpAppRunsWithoutKeepalive() throws Exception {
    try (Rig rig = new Rig(0, 0);
        AppProcess app =
            AppProcess.start(
                "bad-interval",
                "interval=3",
                ServerRestartTest.APP,
                rig.appArgs("500ms", 3, "5s"))) {
      assertEquals(0, app.awaitExit(Duration.ofSeconds(60)), app::dump);
      List<String> errors =
          app.agentLines().stream().filter(l -> l.contains(" ERROR ")).collect(Collectors.toList());
      assertEquals(
          2,
          errors.size(),
          () -> "one line for the value, one saying the agent is off\n" + app.dump());
      assertTrue(
          errors.get(0).contains("'interval'")
              && errors.get(0).contains("'3'")
              && errors.get(0).contains("5")
              && errors.get(0).contains("300"),
          errors.get(0));
      assertTrue(errors.get(1).contains("agent disabled"), errors.get(1));
      assertEquals(
          2, app.agentLines().size(), () -> "the disabled agent says nothing more\n" + app.dump());
      for (String server : new String[] {"sse", "http"}) {
        assertEquals(3, Calls.summary(app, server).ok(), app::dump);
      }
    }
  }

  @Test
  void badValuesFromEveryConfigurationSourceAreReportedClearly() throws Exception {
    Path dir = Files.createTempDirectory("mcp-keepalive-config");
    Path config = dir.resolve("keepalive.json");
    Files.writeString(
        config,
        "{\"mcpServers\": {\"good\": {\"url\": \"http://127.0.0.1:1/mcp\", \"keepalive_interval\": 30},"
            + " \"bad\": {\"url\": \"http://127.0.0.1:2/mcp\", \"keepalive_interval\": 1}}}");
    try (AppProcess sysprop =
            AppProcess.start(
                "bad-sysprop",
                "",
                List.of("-Dmcp.keepalive.ping_timeout=500"),
                plainClasspath(),
                PLAIN,
                List.of("2"));
        AppProcess garbled =
            AppProcess.start(
                "garbled-args", "interval", List.of(), plainClasspath(), PLAIN, List.of("2"));
        AppProcess missing =
            AppProcess.start(
                "missing-file",
                "config=" + dir.resolve("absent.json"),
                List.of(),
                plainClasspath(),
                PLAIN,
                List.of("2"));
        // these two assert on the agent's start line: the application stays up until it is
        // written (at most 20 s), as a longer-lived one would
        AppProcess entry =
            AppProcess.start(
                "bad-entry",
                "config=" + config + ",interval=20",
                List.of(),
                plainClasspath(),
                PLAIN,
                List.of("2", "20000"));
        AppProcess precedence =
            AppProcess.start(
                "precedence",
                "interval=7",
                List.of("-Dmcp.keepalive.interval=60", "-Dmcp.keepalive.jitter=0.2"),
                plainClasspath(),
                PLAIN,
                List.of("2", "20000"))) {
      for (AppProcess app : List.of(sysprop, garbled, missing, entry, precedence)) {
        assertEquals(0, app.awaitExit(Duration.ofSeconds(30)), app::dump);
        assertEquals(
            3, plainOutput(app).size(), () -> "the application ran normally\n" + app.dump());
      }
      String s = firstError(sysprop);
      assertTrue(
          s.contains("'ping_timeout'")
              && s.contains("system property")
              && s.contains("'500'")
              && s.contains("120"),
          s);
      assertTrue(
          firstError(garbled).contains("'interval'") && firstError(garbled).contains("key=value"),
          firstError(garbled));
      assertTrue(firstError(missing).contains("absent.json"), firstError(missing));

      // a bad server entry drops that entry only; the agent runs with the rest
      List<String> warnings =
          entry.agentLines().stream()
              .filter(l -> l.contains(" WARN "))
              .collect(Collectors.toList());
      assertEquals(1, warnings.size(), entry::dump);
      assertTrue(
          warnings.get(0).contains("bad")
              && warnings.get(0).contains("keepalive_interval")
              && warnings.get(0).contains("300"),
          warnings.get(0));
      assertTrue(
          entry.matching("started: interval=20s").size() == 1
              && entry.matching("servers=1").size() == 1,
          entry::dump);

      // agent arguments beat system properties, which beat defaults
      assertEquals(1, precedence.matching("started: interval=7s").size(), precedence::dump);
      assertEquals(1, precedence.matching("jitter=0.20").size(), precedence::dump);
    }
  }

  private static String firstError(AppProcess app) {
    return app.agentLines().stream()
        .filter(l -> l.contains(" ERROR "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no error line\n" + app.dump()));
  }
}
