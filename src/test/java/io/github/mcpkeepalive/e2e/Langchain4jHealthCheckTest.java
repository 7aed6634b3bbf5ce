package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * langchain4j-mcp pings on its own (every 30 s by default). The agent does not add to that: when
 * the application left the library's health check at its defaults, the agent turns it off and its
 * own idle pings take over; when the application configured it, it stays, its pings count as
 * traffic, and the agent pings only when the connection is otherwise idle.
 */
class Langchain4jHealthCheckTest {

  static final String APP = "io.github.mcpkeepalive.sample.langchain4j.Langchain4jApp";

  @Test
  void theLibrarysHealthCheckIsReplacedUnlessTheApplicationConfiguredIt() throws Exception {
    try (Rig rig = new Rig(0, 0);
        AppProcess defaults = start("defaults", rig, List.of());
        AppProcess configured =
            start("configured", rig, List.of("--health-check-interval", "2s"))) {
      assertEquals(0, defaults.awaitExit(Duration.ofSeconds(90)), defaults::dump);
      assertEquals(0, configured.awaitExit(Duration.ofSeconds(90)), configured::dump);

      assertEquals(
          2, defaults.matching("the library's own health check is off").size(), defaults::dump);
      long agentPings = defaults.matching("ping answered").size();
      assertTrue(
          agentPings >= 2, () -> "the agent pings the idle connections itself\n" + defaults.dump());

      assertEquals(
          2,
          configured
              .matching("the library's own health check stays as the application configured it")
              .size(),
          configured::dump);
      List<String> pings = new ArrayList<>(configured.matching("ping answered"));
      assertEquals(
          List.of(),
          pings,
          () ->
              "the library's pings every 2 s keep the connections from idling: the agent sends none\n"
                  + configured.dump());
      System.out.println(
          "HEALTHCHECK agent pings with the library's defaults: "
              + agentPings
              + "; with the application's own health check: "
              + pings.size());
    }
  }

  private static AppProcess start(String label, Rig rig, List<String> extra) throws Exception {
    List<String> args = new ArrayList<>(rig.appArgs("6s", 3, "5s"));
    args.addAll(extra);
    return AppProcess.start(
        label,
        "interval=5,log_level=debug",
        List.of(),
        AppProcess.moduleClasspath("sample-langchain4j"),
        APP,
        args);
  }
}
