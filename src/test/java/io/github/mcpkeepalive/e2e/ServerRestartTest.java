package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Scenario (b): the server restarts and forgets every session. With the agent, every call made
 * after the server is back succeeds on both transports; without it, the legacy SSE client never
 * recovers (and the Streamable HTTP client usually fails the call that finds the dead session).
 */
class ServerRestartTest {

  static final String APP = "io.github.mcpkeepalive.sample.SampleApp";

  @Test
  void callsAfterARestartSucceedWithTheAgent() throws Exception {
    try (Rig healed = new Rig(0, 0);
        Rig plain = new Rig(0, 0);
        AppProcess withAgent =
            AppProcess.start("with-agent", "interval=5", APP, healed.appArgs("2s", 14, "5s"));
        AppProcess without =
            AppProcess.start("without-agent", null, APP, plain.appArgs("2s", 14, "5s"))) {
      for (AppProcess app : List.of(withAgent, without)) {
        Calls.awaitFirstOk(app);
      }
      healed.server.stop();
      plain.server.stop();
      Await.quiet(Duration.ofSeconds(3)); // the outage
      healed.server.start();
      plain.server.start();
      Instant back = Instant.now();

      withAgent.awaitExit(Duration.ofSeconds(90));
      without.awaitExit(Duration.ofSeconds(90));
      System.out.println("RESTART MCP_SDK: " + Calls.failures(withAgent, back));

      for (String server : new String[] {"sse", "http"}) {
        List<Calls.Call> after =
            Calls.of(withAgent, server).stream()
                .filter(c -> c.start().isAfter(back))
                .collect(Collectors.toList());
        assertTrue(
            after.size() >= 5,
            () -> server + ": enough calls after the restart\n" + withAgent.dump());
        List<Calls.Call> failed = after.stream().filter(c -> !c.ok()).collect(Collectors.toList());
        assertEquals(
            List.of(),
            failed,
            () ->
                server
                    + ": every call after the server is back succeeds with the agent\n"
                    + withAgent.dump());
      }
      assertFalse(
          withAgent.matching("-> CONNECTED (session re-initialized").isEmpty(),
          () -> "the agent reports the reconnection\n" + withAgent.dump());

      List<Calls.Call> sseAfter =
          Calls.of(without, "sse").stream()
              .filter(c -> c.start().isAfter(back))
              .collect(Collectors.toList());
      assertTrue(
          sseAfter.stream().allMatch(c -> !c.ok()),
          () -> "without the agent, legacy SSE never recovers\n" + without.dump());
      // Streamable HTTP without the agent usually fails the first call after the restart, unless
      // the SDK's own notification-stream retry happens to meet the new server first: reported,
      // not asserted (the SSE case above proves the fault bites)
      long httpFailed =
          Calls.of(without, "http").stream()
              .filter(c -> c.start().isAfter(back))
              .filter(c -> !c.ok())
              .count();
      System.out.println(
          "RESTART without the agent: http calls failed after the restart: " + httpFailed);
      Secrets.assertNoneIn(withAgent);
    }
  }
}
