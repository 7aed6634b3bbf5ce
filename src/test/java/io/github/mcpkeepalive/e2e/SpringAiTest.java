package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A Spring Boot application with spring-ai-starter-mcp-client 2.0.0 (MCP Java SDK 2.0.0 inside),
 * its two connections set only in {@code application.properties}, run as its executable jar.
 */
class SpringAiTest implements StreamScenarios, RecoveryScenarios {

  @Override
  public ClientApp app() {
    return ClientApp.SPRING_AI;
  }

  /**
   * The jar's class path holds no MCP library, so the agent watches class loads until the first MCP
   * class, in the jar's own class loader, is woven; it then loads and weaves the others the SDK's
   * support weaves there and stops watching; both clients are discovered as they are built.
   */
  @Test
  void classLoadsAreWatchedUntilTheJarsLoaderHasItsClassesWoven() throws Exception {
    try (Rig rig = new Rig(0, 0);
        AppProcess app = app().start("watch", "log_level=debug", rig, "1s", 2, "5s")) {
      assertEquals(0, app.awaitExit(Duration.ofSeconds(120)), app::dump);
      assertEquals(
          1,
          app.matching("no MCP library on the class path: every class load is watched").size(),
          app::dump);
      assertEquals(
          1L,
          app
              .matching(
                  "MCP classes of class loader"
                      + " org.springframework.boot.loader.launch.LaunchedClassLoader loaded and"
                      + " woven ahead (6) in ")
              .stream()
              .filter(l -> l.contains("class loads are no longer watched"))
              .count(),
          app::dump);
      assertEquals(2, app.matching("INFO discovered c").size(), app::dump);
      for (String server : RecoveryScenarios.SERVERS) {
        assertEquals(2, Calls.summary(app, server).ok(), app::dump);
      }
      Secrets.assertNoneIn(app);
    }
  }
}
