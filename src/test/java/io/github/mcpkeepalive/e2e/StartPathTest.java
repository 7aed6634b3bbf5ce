package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the agent does at the start of an application whose MCP library is a tested version, from
 * the outside: the sample app (MCP Java SDK 2.1.0 on its class path, both transports) with the
 * packaged agent. The version range comes from the reference check the build made (its class files
 * recognized, read from the agent's jar, on a thread of the agent's own beside the application's
 * start and the reading of the configuration), the client classes are those the build wove (none is
 * read ahead through the application's class loader), and neither the agent's run-time weaver nor
 * any of ASM's classes is loaded, nor the hooks' descriptions, the supports of absent libraries or
 * the way to the application's logging; both connections are managed and every call succeeds.
 */
class StartPathTest {

  /** The agent's line when the class path holds no MCP library (a Spring Boot jar's, say). */
  static final String NO_LIBRARY_ON_CLASS_PATH =
      "no MCP library on the class path: class loads are watched until a class loader that holds"
          + " one defines a class";

  /** The classes of the MCP Java SDK 2.1 the agent weaves. */
  static final List<String> SDK_WOVEN =
      List.of(
          "io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport",
          "io.modelcontextprotocol.client.transport.HttpClientSseClientTransport",
          "io.modelcontextprotocol.client.McpSyncClient",
          "io.modelcontextprotocol.client.McpAsyncClient",
          "io.modelcontextprotocol.client.LifecycleInitializer",
          "io.modelcontextprotocol.spec.McpClientSession");

  @Test
  void aTestedVersionIsInstrumentedWithWhatTheBuildPrepared() throws Exception {
    try (Rig rig = new Rig(0, 0)) {
      try (AppProcess app =
          AppProcess.start(
              "start-path",
              "log_level=debug,interval=300",
              List.of("-Xlog:class+load=info:stdout"),
              AppProcess.sampleClasspath(),
              ServerRestartTest.APP,
              rig.appArgs("1s", 2, "5s"))) {
        assertEquals(0, app.awaitExit(Duration.ofSeconds(60)), app::dump);
        assertEquals(
            1,
            app.matching(
                    "MCP Java SDK 2.1.0: the very class files whose check the build made, found"
                        + " ahead, beside the application's start")
                .size(),
            app::dump);
        assertEquals(
            1,
            app.matching("6 classes woven by the build for its very class files, 0 woven ahead")
                .size(),
            app::dump);
        for (String woven : SDK_WOVEN) {
          assertEquals(
              1, app.matching("instrumented " + woven + " (woven by the build)").size(), app::dump);
        }
        assertTrue(
            app.matching(" source: ").stream()
                .noneMatch(
                    l ->
                        l.contains("io.github.mcpkeepalive.instrumentation.weave.ClassWeaver ")
                            || l.contains("io.github.mcpkeepalive.shaded.asm.ClassReader ")
                            || l.contains("io.github.mcpkeepalive.shaded.asm.ClassWriter ")),
            () -> "the run-time weaver and ASM stay unloaded\n" + app.dump());
        for (String unloaded :
            List.of(
                // the hooks' descriptions: the build wove them in, for the agent's own loader
                "io.github.mcpkeepalive.instrumentation.weave.Hook ",
                "io.github.mcpkeepalive.instrumentation.weave.On ",
                "io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkAdvice ",
                // the supports of the libraries the application lacks
                "io.github.mcpkeepalive.instrumentation.langchain4j.Langchain4jInstrumentation ",
                "io.github.mcpkeepalive.instrumentation.webflux.SdkWebFluxInstrumentation ",
                "io.github.mcpkeepalive.instrumentation.webflux.SpringAiWebFluxInstrumentation ",
                // the way to the application's logging, with log_target=stderr
                "io.github.mcpkeepalive.core.ApplicationLogging ")) {
          assertTrue(
              app.matching(" source: ").stream().noneMatch(l -> l.contains(unloaded)),
              () -> unloaded + "stays unloaded\n" + app.dump());
        }
        assertTrue(
            app.matching(" source: ").stream()
                .noneMatch(l -> l.contains("io.github.mcpkeepalive.shaded.slf4j.")),
            () -> "the agent carries no SLF4J\n" + app.dump());
        assertTrue(
            app.matching("io.github.mcpkeepalive.instrumentation.Prebuilt source: ").size() == 1,
            () -> "the class-load log is there, the agent's classes in it\n" + app.dump());
        assertEquals(
            1L,
            app.matching("class path's MCP classes loaded and woven ahead (6) in ").stream()
                .filter(l -> l.contains("class loads are no longer watched"))
                .count(),
            app::dump);
        assertEquals(2, app.matching(" discovered c").size(), app::dump);
        assertEquals(2, Calls.summary(app, "http").ok(), app::dump);
        assertEquals(2, Calls.summary(app, "sse").ok(), app::dump);
      }
    }
  }
}
