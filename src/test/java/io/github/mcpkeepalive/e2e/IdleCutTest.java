package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Scenario (a): a proxy that cuts streams idle for 7 s; the app calls every 12 s. With the agent
 * ({@code interval=5}) every call succeeds and notifications keep arriving on both transports;
 * without it, the legacy SSE client fails and the Streamable HTTP client loses its notifications.
 */
class IdleCutTest {

  @Test
  void idleCutsAreSurvivedWithTheAgentAndBreakTheAppWithout() throws Exception {
    try (Rig healed = new Rig(7_000, 10_000);
        Rig plain = new Rig(7_000, 10_000);
        AppProcess withAgent =
            AppProcess.start(
                "with-agent",
                "interval=5",
                "io.github.mcpkeepalive.sample.SampleApp",
                healed.appArgs("12s", 4, "5s"));
        AppProcess without =
            AppProcess.start(
                "without-agent",
                null,
                "io.github.mcpkeepalive.sample.SampleApp",
                plain.appArgs("12s", 4, "5s"))) {
      assertEquals(
          0,
          withAgent.awaitExit(Duration.ofSeconds(90)),
          () -> "app with agent had failures\n" + withAgent.dump());
      without.awaitExit(Duration.ofSeconds(90));
      System.out.println("IDLE_CUT MCP_SDK: " + Calls.failures(withAgent, java.time.Instant.MIN));

      for (String server : new String[] {"sse", "http"}) {
        Calls.Summary s = Calls.summary(withAgent, server);
        assertEquals(
            4, s.ok(), () -> server + ": every call succeeds with the agent\n" + withAgent.dump());
        assertEquals(0, s.failed());
        assertTrue(
            s.notifications() >= 3,
            () ->
                server
                    + ": notifications keep arriving with the agent, got "
                    + s.notifications()
                    + "\n"
                    + withAgent.dump());
      }
      // the notification stream of Streamable HTTP was cut by the proxy and re-opened by the agent
      assertTrue(healed.proxy.idleCuts() >= 1, "the proxy did cut idle streams");

      // the same app without the agent: proof that the scenario bites
      Calls.Summary sse = Calls.summary(without, "sse");
      assertTrue(
          sse.failed() >= 2,
          () -> "legacy SSE without the agent fails after the first cut\n" + without.dump());
      Calls.Summary http = Calls.summary(without, "http");
      assertTrue(
          http.notifications() <= 1,
          () ->
              "Streamable HTTP without the agent loses its notification stream\n" + without.dump());

      Secrets.assertNoneIn(withAgent);
    }
  }
}
