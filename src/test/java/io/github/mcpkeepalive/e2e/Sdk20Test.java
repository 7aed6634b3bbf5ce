package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The same unmodified app on the MCP Java SDK 2.0.0 (what Spring AI 2.0 runs on): the agent
 * discovers its clients and heals an idle cut and a server restart on both transports.
 */
class Sdk20Test {

  @Test
  void idleCutsAndARestartAreHealedOnSdk20() throws Exception {
    String classpath = AppProcess.sampleClasspathWithSdk(Path.of(System.getProperty("sdk20.lib", "target/sdk-2.0")));
    try (Rig rig = new Rig(7_000, 10_000);
        AppProcess app = AppProcess.start("sdk-2.0.0", "interval=5", List.of(), classpath, ServerRestartTest.APP, rig.appArgs("8s", 7, "5s"))) {
      for (String transport : new String[] {"sse", "streamable"}) {
        app.await(l -> l.contains("INFO discovered") && l.contains(" " + transport + " ") && l.contains("[mcp-java-sdk 2.0.0]"), Duration.ofSeconds(30), transport + " discovered on 2.0.0");
      }
      // two calls, across idle cuts, then a restart
      for (String server : new String[] {"sse", "http"}) {
        app.await(l -> l.startsWith("CALL ") && l.contains("server=" + server + " n=2 "), Duration.ofSeconds(40), server + " call 2");
      }
      Instant down = Instant.now();
      rig.server.restart();
      Instant back = Instant.now();

      app.awaitExit(Duration.ofSeconds(90));
      assertTrue(rig.proxy.idleCuts() >= 1 || rig.server.starts() >= 2, "faults happened");
      for (String server : new String[] {"sse", "http"}) {
        List<Calls.Call> calls = Calls.of(app, server);
        assertEquals(7, calls.size(), app::dump);
        List<Calls.Call> failed =
            calls.stream().filter(c -> !c.ok()).filter(c -> c.end().isBefore(down) || c.start().isAfter(back)).collect(Collectors.toList());
        assertEquals(List.of(), failed, () -> server + ": every call outside the restart succeeds on SDK 2.0.0\n" + app.dump());
        assertTrue(Calls.summary(app, server).notifications() >= 2, () -> server + ": notifications keep arriving\n" + app.dump());
      }
      assertTrue(rig.server.starts() >= 2, "the server did restart");
      assertTrue(app.matching("-> CONNECTED (session re-initialized").size() >= 1, app::dump);
      assertTrue(app.agentLines().stream().noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ")), () -> "no agent warning on 2.0.0\n" + app.dump());
      Secrets.assertNoneIn(app);
    }
  }
}
