package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code log_target=application} from the outside: the sample app (the MCP Java SDK with
 * slf4j-simple, its own logging) shows the agent's lines in its own format under the agent's logger
 * names once the application's SLF4J is up, the lines of the agent's start before that on standard
 * error, and never both for one event; the application's own logging configuration decides what it
 * shows (here, {@code mcp.keepalive} at INFO where the app's default is WARN).
 */
class LogTargetTest {

  @Test
  void theAgentsLinesReachTheApplicationsOwnLogging() throws Exception {
    try (Rig rig = new Rig(7_000, 0)) {
      try (AppProcess app =
          AppProcess.start(
              "with-agent",
              "log_target=application,interval=300",
              List.of("-Dorg.slf4j.simpleLogger.log.mcp.keepalive=info"),
              AppProcess.sampleClasspath(),
              ServerRestartTest.APP,
              rig.appArgs("9s", 2, "5s"))) {
        app.awaitExit(Duration.ofSeconds(60));
        List<String> agent = app.agentLines();
        assertTrue(
            agent.stream().anyMatch(l -> l.contains(" INFO mcp-keepalive-agent ")),
            () -> "the start line comes before the application's logging\n" + app.dump());
        assertEquals(
            1,
            app.matching("the agent's further lines go there (SLF4J loggers mcp.keepalive.*)")
                .size(),
            app::dump);
        assertTrue(
            agent.stream().noneMatch(l -> l.contains(" discovered ") || l.contains(" -> ")),
            () -> "no connection line on the agent's own output\n" + app.dump());

        // slf4j-simple's own format: date [thread] LEVEL logger - message
        List<String> discovered = app.matching(" INFO mcp.keepalive.connection - discovered c");
        assertEquals(2, discovered.size(), app::dump);
        assertTrue(
            !app.matching(" INFO mcp.keepalive.connection - c").stream()
                .filter(l -> l.contains(": CONNECTED -> DISCONNECTED"))
                .toList()
                .isEmpty(),
            () -> "the idle cut's transitions, in the application's log\n" + app.dump());
        assertTrue(
            !app.matching("RECONNECTING -> CONNECTED").isEmpty()
                && app.matching("RECONNECTING -> CONNECTED").stream()
                    .allMatch(l -> l.contains(" INFO mcp.keepalive.connection - ")),
            app::dump);
        assertEquals(2, Calls.summary(app, "http").ok(), app::dump);
        assertEquals(2, Calls.summary(app, "sse").ok(), app::dump);
        Secrets.assertNoneIn(app);
      }
    }
  }
}
