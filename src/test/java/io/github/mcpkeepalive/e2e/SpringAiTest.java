package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
   * The jar's class path holds no MCP library, so the agent watches class loads until the jar's own
   * class loader, which holds the SDK, defines its first class (the application's main class); it
   * then loads and weaves there the classes the SDK's support weaves and stops watching, long
   * before the application's first MCP class: the agent saw a quarter of the classes at most (661
   * of 7,512 by the first call here; 2,932 of 7,478 when it waited for the first MCP class to be
   * woven). Both clients are discovered as they are built.
   */
  @Test
  void classLoadsAreWatchedUntilTheJarsLoaderDefinesItsFirstClass() throws Exception {
    try (Rig rig = new Rig(0, 0);
        AppProcess app = app().start("watch", "log_level=debug", rig, "5s", 2, "5s")) {
      app.await(l -> l.startsWith("CALL ") && l.contains(" ok "), Duration.ofSeconds(60), "a call");
      try (Jmx jmx = new Jmx(app.pid())) {
        long seen = (Long) jmx.agent("ClassesSeen");
        long loaded = jmx.classesLoaded();
        assertTrue(seen > 0 && seen < loaded / 4, () -> "classes seen " + seen + " of " + loaded);
      }
      assertEquals(0, app.awaitExit(Duration.ofSeconds(120)), app::dump);
      assertEquals(1, app.matching(StartPathTest.NO_LIBRARY_ON_CLASS_PATH).size(), app::dump);
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
