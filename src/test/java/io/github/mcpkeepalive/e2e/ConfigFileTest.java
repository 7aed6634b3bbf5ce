package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Server entries of a JSON configuration file take effect: {@code enabled:false} leaves that
 * server's connection alone (so the idle cut breaks it as if there were no agent), and {@code
 * keepalive_interval} replaces the global interval for the server it matches (query strings of the
 * application's URL are ignored for matching), with the entry's name in the log lines.
 */
class ConfigFileTest {

  @Test
  void serverEntriesDisableOrRetuneTheirConnections() throws Exception {
    try (Rig rig = new Rig(7_000, 0)) {
      Path config = Files.createTempDirectory("mcp-keepalive").resolve("mcp.json");
      Files.writeString(
          config,
          "{\"mcpServers\": {"
              + "\"legacy\": {\"url\": \""
              + rig.base()
              + "/sse\", \"enabled\": false},"
              + "\"search\": {\"url\": \""
              + rig.base()
              + "/mcp\", \"type\": \"streamable\", \"keepalive_interval\": \"5s\","
              + " \"headers\": {\"Authorization\": \"Bearer "
              + Rig.TOKEN
              + "\"}}}}");
      try (AppProcess app =
          AppProcess.start(
              "with-agent",
              "config=" + config + ",interval=300,log_level=debug",
              ServerRestartTest.APP,
              rig.appArgs("10s", 3, "5s"))) {
        app.awaitExit(Duration.ofSeconds(60));
        assertEquals(
            1,
            app.matching("left alone: disabled by configuration entry legacy").size(),
            app::dump);
        List<String> discovered = app.matching(" INFO discovered ");
        assertEquals(1, discovered.size(), app::dump);
        assertTrue(
            discovered.get(0).contains("(search) streamable")
                && discovered.get(0).contains("keepalive every 5 s"),
            discovered.get(0));

        List<Instant> pings =
            app.lines().stream()
                .filter(
                    l ->
                        l.text().contains("(search) streamable")
                            && l.text().contains("ping answered"))
                .map(AppProcess.Line::at)
                .collect(Collectors.toList());
        assertTrue(
            pings.size() >= 3,
            () -> "the 5 s interval of the entry applies, not the global 300 s\n" + app.dump());

        assertEquals(3, Calls.summary(app, "http").ok(), app::dump);
        assertTrue(
            Calls.summary(app, "sse").failed() >= 1,
            () -> "the disabled server is not healed: the idle cut breaks it\n" + app.dump());
        Secrets.assertNoneIn(app);
      }
    }
  }
}
