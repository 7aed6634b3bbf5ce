package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Once the MCP classes on the application's class path are woven, at its start, the agent stops
 * watching the JVM's class loads; a class loader the application makes later still gets its MCP
 * classes woven, found by the agent's look a few seconds on (the loader's whole: those loaded
 * retransformed, the others loaded then), and its clients taken over at their next request if built
 * before: the sample app run from such a loader ({@link LaterLoaderApp}), behind a proxy that cuts
 * streams idle for 7 s, makes every call succeed on both transports, as the legacy SSE transport
 * alone never does once its stream is cut ({@code IdleCutTest}).
 */
class LaterLoaderTest {

  @Test
  void aClassLoaderMadeAfterTheStartGetsItsClassesWoven() throws Exception {
    String classpath =
        Path.of("target", "test-classes").toAbsolutePath()
            + File.pathSeparator
            + AppProcess.sampleClasspath();
    try (Rig rig = new Rig(7_000, 0);
        AppProcess app = start("later-loader", List.of(), classpath, rig)) {
      assertEquals(0, app.awaitExit(Duration.ofSeconds(120)), app::dump);
      assertEquals(1, app.matching("LATER LOADER later").size(), app::dump);
      assertEquals(
          1, app.matching("class path's MCP classes loaded and woven ahead (6)").size(), app::dump);
      // each class woven twice, as the class path's loader and the later one load it: as it
      // loads (the build's bytes), or by retransformation when a look finds it loaded (the JVM
      // hands over bytes it rebuilt, not the jar's, so woven by ASM then)
      for (String woven : StartPathTest.SDK_WOVEN) {
        assertEquals(2, app.matching("instrumented " + woven + " ").size(), app::dump);
      }
      assertEquals(
          1,
          app.matching(
                  "MCP classes of class loader io.github.mcpkeepalive.e2e.LaterLoaderApp$ChildFirst"
                      + " found after the agent's set-up: ")
              .size(),
          app::dump);
      assertEveryCallSucceeds(app);
    }
  }

  /**
   * The same application with the library on no class path but the later loader's: that loader is
   * the first to hold one, so it is settled as it defines its first class, the sample app's main
   * class; the app waits until the SDK's client class has been loaded there, by the agent, before
   * it runs (it never would with the settling at the first MCP class woven). Each class is woven
   * once, as it loads, and no look is needed.
   */
  @Test
  void aClassLoaderMadeAfterTheStartIsSettledIfTheClassPathHoldsNoLibrary() throws Exception {
    String classpath = Path.of("target", "test-classes").toAbsolutePath().toString();
    try (Rig rig = new Rig(7_000, 0);
        AppProcess app =
            start(
                "plugin-loader",
                List.of(
                    "-Dlater.class.path=" + AppProcess.sampleClasspath(),
                    "-Dlater.await=io.modelcontextprotocol.client.McpSyncClient"),
                classpath,
                rig)) {
      assertEquals(0, app.awaitExit(Duration.ofSeconds(120)), app::dump);
      assertEquals(1, app.matching("LATER LOADER later").size(), app::dump);
      assertEquals(
          1,
          app.matching(
                  "LATER LOADER io.modelcontextprotocol.client.McpSyncClient loaded before the app's"
                      + " first MCP class")
              .size(),
          app::dump);
      assertEquals(1, app.matching(StartPathTest.NO_LIBRARY_ON_CLASS_PATH).size(), app::dump);
      assertEquals(
          1,
          app.matching(
                  "MCP classes of class loader io.github.mcpkeepalive.e2e.LaterLoaderApp$ChildFirst"
                      + " loaded and woven ahead (6) in ")
              .size(),
          app::dump);
      for (String woven : StartPathTest.SDK_WOVEN) {
        assertEquals(1, app.matching("instrumented " + woven + " ").size(), app::dump);
      }
      assertEquals(0, app.matching("found after the agent's set-up").size(), app::dump);
      assertEveryCallSucceeds(app);
    }
  }

  /** {@link LaterLoaderApp}: 5 calls, 9 s apart, pinging after 5 s of idleness. */
  private static AppProcess start(String label, List<String> jvmArgs, String classpath, Rig rig)
      throws IOException {
    return AppProcess.start(
        label,
        "interval=5,log_level=debug",
        jvmArgs,
        classpath,
        LaterLoaderApp.class.getName(),
        rig.appArgs("9s", 5, "5s"));
  }

  private static void assertEveryCallSucceeds(AppProcess app) {
    assertEquals(2, app.matching("INFO discovered c").size(), app::dump);
    for (String server : new String[] {"sse", "http"}) {
      List<Calls.Call> calls = Calls.of(app, server);
      assertEquals(5, calls.size(), () -> server + ": every call made\n" + app.dump());
      assertEquals(
          List.of(),
          calls.stream().filter(c -> !c.ok()).collect(Collectors.toList()),
          () -> server + ": every call succeeds\n" + app.dump());
    }
    Secrets.assertNoneIn(app);
  }
}
