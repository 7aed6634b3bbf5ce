package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

/**
 * Operating the agent: the MBeans and the {@code status} command follow a scripted fault, and
 * {@code attach} heals a running application whose connection is already broken.
 */
class StatusAndAttachTest {

  static String cli(String label, String... args) throws Exception {
    try (AppProcess p = AppProcess.startJar(label, AppProcess.agentJar(), List.of(args))) {
      int code = p.awaitExit(Duration.ofSeconds(60));
      return "exit=" + code + "\n" + String.join("\n", p.texts());
    }
  }

  static String row(String status, String transport) {
    return status
        .lines()
        .filter(l -> l.matches("^c\\d+ .*") && l.contains(" " + transport + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + transport + " row in\n" + status));
  }

  @Test
  void mbeansAndStatusFollowABlackhole() throws Exception {
    try (Rig rig = new Rig(0, 0);
        AppProcess app =
            AppProcess.start(
                "with-agent",
                "interval=5,ping_timeout=2",
                ServerRestartTest.APP,
                rig.appArgs("4s", 14, "3s"))) {
      Calls.awaitFirstOk(app);
      String status = cli("status-ok", "status", Long.toString(app.pid()));
      System.out.println("STATUS before the fault\n" + status);
      assertTrue(status.startsWith("exit=0"), status);
      assertTrue(status.contains("2 connection(s): CONNECTED=2"), status);
      assertTrue(
          status.contains(" 6 of them examined for instrumentation"),
          "only the six SDK classes it instruments are looked at\n" + status);
      assertTrue(
          row(status, "sse").contains(" CONNECTED ")
              && row(status, "streamable").contains(" CONNECTED "),
          status);
      assertFalse(
          status.contains(Rig.QUERY_SECRET) || status.contains(Rig.TOKEN),
          "no secret in the status output");

      try (Jmx jmx = new Jmx(app.pid())) {
        Map<String, Object> sse = jmx.connection("sse");
        assertEquals("CONNECTED", sse.get("State"));
        assertTrue(
            String.valueOf(sse.get("Library")).startsWith("mcp-java-sdk 2.1"), sse::toString);
        assertFalse(
            String.valueOf(jmx.connection("streamable").get("Url")).contains("?"),
            "URL without query string");
        // the class path's MCP classes woven at the start, the agent stopped watching class loads
        long seen = (Long) jmx.agent("ClassesSeen");
        long loaded = jmx.classesLoaded();
        assertTrue(
            seen > 0 && seen < loaded / 2,
            () -> "classes seen " + seen + " of " + loaded + " loaded\n" + status);
        TabularData perState = (TabularData) jmx.agent("ConnectionsPerState");
        int connected =
            perState.values().stream()
                .map(CompositeData.class::cast)
                .filter(r -> "CONNECTED".equals(r.get("key")))
                .mapToInt(r -> (Integer) r.get("value"))
                .sum();
        assertEquals(2, connected, perState::toString);
        assertEquals(5L, jmx.agent("IntervalSeconds"));

        Instant dark = Instant.now();
        rig.proxy.setBlackhole(true);
        for (String transport : new String[] {"sse", "streamable"}) {
          app.awaitAfter(
              dark,
              l -> l.contains(" " + transport + " http") && l.contains("-> DISCONNECTED"),
              Duration.ofSeconds(20),
              transport + " disconnected");
        }
        for (String transport : new String[] {"sse", "streamable"}) {
          Map<String, Object> m = jmx.connection(transport);
          assertTrue(List.of("DISCONNECTED", "RECONNECTING").contains(m.get("State")), m::toString);
          // three on a silent connection; one when a call of the application meets the legacy
          // SSE connection UNHEALTHY (it is reconnected for the call)
          assertTrue((Long) m.get("PingsFailed") >= 1, m::toString);
          assertTrue((Long) m.get("ReconnectAttempts") >= 1, m::toString);
          assertEquals("TimeoutException", m.get("LastErrorClass"), m::toString);
        }
        String during = cli("status-dark", "status", Long.toString(app.pid()));
        System.out.println("STATUS during the blackhole\n" + during);
        for (String transport : new String[] {"sse", "streamable"}) {
          String r = row(during, transport);
          assertTrue(r.contains(" DISCONNECTED ") || r.contains(" RECONNECTING "), during);
          assertTrue(r.contains("TimeoutException"), during);
        }

        rig.proxy.setBlackhole(false);
        Instant back = Instant.now();
        for (String transport : new String[] {"sse", "streamable"}) {
          app.awaitReconnected(back, transport, Duration.ofSeconds(30));
          Map<String, Object> m = jmx.connection(transport);
          assertEquals("CONNECTED", m.get("State"), m::toString);
          assertTrue((Long) m.get("ReconnectSuccesses") >= 1, m::toString);
        }
      }
    }
  }

  @Test
  void attachHealsAnAppThatIsAlreadyFailing() throws Exception {
    try (Rig rig = new Rig(7_000, 0);
        AppProcess app =
            AppProcess.start(
                "no-agent-yet", null, ServerRestartTest.APP, rig.appArgs("9s", 7, "4s"))) {
      app.await(
          l -> l.startsWith("CALL ") && l.contains("server=sse") && l.contains(" failed "),
          Duration.ofSeconds(40),
          "a failing sse call before the attach");
      String attached = cli("attach", "attach", Long.toString(app.pid()), "interval=5");
      Instant at = Instant.now();
      System.out.println("ATTACH\n" + attached);
      assertTrue(
          attached.startsWith("exit=0") && attached.contains("attached to JVM " + app.pid()),
          attached);
      assertTrue(
          cli("attach-again", "attach", Long.toString(app.pid())).contains("already running"),
          "a second attach is a no-op");

      app.awaitExit(Duration.ofSeconds(90));
      for (String server : new String[] {"sse", "http"}) {
        List<Calls.Call> after =
            Calls.of(app, server).stream()
                .filter(c -> c.start().isAfter(at))
                .collect(Collectors.toList());
        assertTrue(after.size() >= 3, () -> server + ": calls after the attach\n" + app.dump());
        assertEquals(
            List.of(),
            after.stream().filter(c -> !c.ok()).collect(Collectors.toList()),
            () -> server + ": every call after the attach succeeds\n" + app.dump());
      }
      assertTrue(
          app.matching("client found in use, built before its classes were woven").size() >= 1
              || app.matching("-> CONNECTED").size() >= 2,
          app::dump);
      Secrets.assertNoneIn(app);
    }
  }

  @Test
  void theCommandLineExplainsWhatItCannotDo() throws Exception {
    assertTrue(cli("no-args").startsWith("exit=2") && cli("no-args").contains("usage:"));
    String noPid = cli("no-pid", "status");
    assertTrue(noPid.startsWith("exit=2") && noPid.contains("give its process id"), noPid);
    String gone = cli("gone", "status", "999999999");
    assertTrue(gone.startsWith("exit=1") && gone.contains("no process with pid 999999999"), gone);
    String bad =
        cli("bad-args", "attach", Long.toString(ProcessHandle.current().pid()), "interval=2");
    assertTrue(
        bad.startsWith("exit=2") && bad.contains("'interval'") && bad.contains("5 to 300"), bad);
    assertTrue(cli("version", "--version").contains("mcp-keepalive-agent "));
    assertTrue(cli("help", "--help").contains("attach <pid>"));

    String classes =
        java.nio.file.Path.of("../sample-app/target/sample-app.jar")
            .toAbsolutePath()
            .normalize()
            .toString();
    try (AppProcess locked =
        AppProcess.start(
            "attach-disabled",
            null,
            List.of("-XX:+DisableAttachMechanism"),
            classes,
            "io.github.mcpkeepalive.sample.DemoServer",
            List.of("0"))) {
      locked.await(
          l -> l.startsWith("MCP demo server on"), Duration.ofSeconds(30), "the server to start");
      String refused = cli("refused", "status", Long.toString(locked.pid()));
      assertTrue(
          refused.startsWith("exit=1")
              && refused.contains("attach disabled (-XX:+DisableAttachMechanism)"),
          refused);
    }
    try (AppProcess plain =
        AppProcess.start(
            "no-agent",
            null,
            List.of(),
            classes,
            "io.github.mcpkeepalive.sample.DemoServer",
            List.of("0"))) {
      plain.await(
          l -> l.startsWith("MCP demo server on"), Duration.ofSeconds(30), "the server to start");
      String none = cli("not-loaded", "status", Long.toString(plain.pid()));
      assertTrue(
          none.startsWith("exit=1")
              && none.contains("is not running there; load it with")
              && none.contains("attach " + plain.pid()),
          none);
    }
  }
}
