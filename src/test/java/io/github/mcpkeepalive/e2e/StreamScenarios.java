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
 * Idle cuts and a server restart, with the agent attached, for a client library other than the
 * plain SDK app (whose tests also run it without the agent, in {@link IdleCutTest} and {@link
 * ServerRestartTest}).
 */
interface StreamScenarios {

  ClientApp app();

  /**
   * A proxy cuts streams idle for 7 s and the app calls every 12 s: with {@code interval=5} every
   * call succeeds, the legacy SSE session is never lost, and notifications keep arriving where the
   * application can see them.
   */
  @Test
  default void idleCuts() throws Exception {
    try (Rig rig = new Rig(7_000, 10_000);
        AppProcess app = app().start("idle-cut", "interval=5", rig, "12s", 4, "5s")) {
      for (String transport : RecoveryScenarios.TRANSPORTS) {
        app.await(
            l ->
                l.contains("INFO discovered")
                    && l.contains(" " + transport + " ")
                    && l.contains("[" + app().library + "]"),
            Duration.ofSeconds(60),
            transport + " discovered as " + app().library);
      }
      int exit = app.awaitExit(Duration.ofSeconds(120));
      System.out.println("IDLE_CUT " + app() + ": " + Calls.failures(app, Instant.MIN));
      assertEquals(0, exit, () -> "every call succeeds with the agent\n" + app.dump());
      for (String server : RecoveryScenarios.SERVERS) {
        Calls.Summary s = Calls.summary(app, server);
        assertEquals(4, s.ok(), () -> server + ": every call succeeds\n" + app.dump());
        if (app().seesNotifications) {
          assertTrue(
              s.notifications() >= 3,
              () ->
                  server
                      + ": notifications keep arriving, got "
                      + s.notifications()
                      + "\n"
                      + app.dump());
        }
      }
      // the legacy SSE stream carries the session: kept busy by pings, it is never cut
      assertTrue(
          app.matching(" sse http").stream().noneMatch(l -> l.contains("-> DISCONNECTED")),
          () -> "the SSE session survives\n" + app.dump());
      assertTrue(rig.proxy.idleCuts() >= 1, "the proxy did cut idle connections");
      assertTrue(
          app.agentLines().stream().noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ")),
          () -> "no agent warning\n" + app.dump());
      Secrets.assertNoneIn(app);
    }
  }

  /** The server restarts and forgets every session: every call made once it is back succeeds. */
  @Test
  default void serverRestart() throws Exception {
    try (Rig rig = new Rig(0, 0);
        AppProcess app = app().start("restart", "interval=5", rig, "2s", 14, "5s")) {
      Calls.awaitFirstOk(app);
      rig.server.stop();
      Await.quiet(Duration.ofSeconds(3)); // the outage
      rig.server.start();
      Instant back = Instant.now();

      app.awaitExit(Duration.ofSeconds(90));
      System.out.println("RESTART " + app() + ": " + Calls.failures(app, back));
      for (String server : RecoveryScenarios.SERVERS) {
        List<Calls.Call> after =
            Calls.of(app, server).stream()
                .filter(c -> c.start().isAfter(back))
                .collect(Collectors.toList());
        assertTrue(
            after.size() >= 5, () -> server + ": enough calls after the restart\n" + app.dump());
        List<Calls.Call> failed = after.stream().filter(c -> !c.ok()).collect(Collectors.toList());
        assertEquals(
            List.of(),
            failed,
            () -> server + ": every call after the server is back succeeds\n" + app.dump());
      }
      for (String transport : RecoveryScenarios.TRANSPORTS) {
        assertFalse(
            app.matching(" " + transport + " http").stream()
                .noneMatch(l -> l.contains("-> CONNECTED (session re-initialized")),
            () -> transport + ": the agent reports the reconnection\n" + app.dump());
      }
      Secrets.assertNoneIn(app);
    }
  }
}
