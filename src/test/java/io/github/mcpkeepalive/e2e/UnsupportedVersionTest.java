package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A library version outside the supported range (here the real jar relabelled as a future release
 * would be) is skipped with one log line: no client is touched, the application runs as without
 * the agent.
 */
class UnsupportedVersionTest {

  @Test
  void anUnsupportedSdkVersionIsLeftAloneWithOneLine() throws Exception {
    Path lib = Path.of(System.getProperty("sample.lib", "../sample-app/target/lib")).toAbsolutePath();
    Path sdk = Files.createTempDirectory("mcp-sdk-2.2.0");
    relabel(lib.resolve("mcp-core-2.1.0.jar"), sdk.resolve("mcp-core-2.2.0.jar"), "2.1.0", "2.2.0");
    Files.copy(lib.resolve("mcp-json-jackson3-2.1.0.jar"), sdk.resolve("mcp-json-jackson3-2.1.0.jar"));
    try (Rig rig = new Rig(0, 0);
        AppProcess app =
            AppProcess.start("sdk-2.2.0", "interval=5", List.of(), AppProcess.sampleClasspathWithSdk(sdk), ServerRestartTest.APP, rig.appArgs("1s", 3, "5s"))) {
      assertEquals(0, app.awaitExit(Duration.ofSeconds(60)), app::dump);
      List<String> agent = app.agentLines();
      List<String> warnings = agent.stream().filter(l -> l.contains(" WARN ")).collect(Collectors.toList());
      assertEquals(1, warnings.size(), () -> "one line for the unsupported version, for both clients\n" + app.dump());
      assertTrue(warnings.get(0).contains("MCP Java SDK 2.2.0 is not supported (supported: 2.0.x, 2.1.x)"), warnings.get(0));
      assertTrue(agent.stream().noneMatch(l -> l.contains("discovered") || l.contains(" -> ")), () -> "no client is managed\n" + app.dump());
      assertEquals(2, agent.size(), () -> "banner and the warning only\n" + app.dump());
      for (String server : new String[] {"sse", "http"}) {
        assertEquals(3, Calls.summary(app, server).ok(), app::dump);
      }
    }
  }

  @Test
  void anUnsupportedLangchain4jVersionIsLeftAloneWithOneLine() throws Exception {
    Path lib = Path.of("..", "sample-langchain4j", "target", "lib").toAbsolutePath().normalize();
    Path mcp = Files.createTempDirectory("langchain4j-mcp-1.12.0");
    relabel(lib.resolve("langchain4j-mcp-1.11.0-beta19.jar"), mcp.resolve("langchain4j-mcp-1.12.0-beta20.jar"), "1.11.0-beta19", "1.12.0-beta20");
    try (Rig rig = new Rig(0, 0);
        AppProcess app =
            AppProcess.start(
                "langchain4j-1.12.0-beta20",
                "interval=5",
                List.of(),
                AppProcess.moduleClasspathReplacing("sample-langchain4j", "langchain4j-mcp-.*\\.jar", mcp),
                "io.github.mcpkeepalive.sample.langchain4j.Langchain4jApp",
                rig.appArgs("1s", 3, "5s"))) {
      assertEquals(0, app.awaitExit(Duration.ofSeconds(60)), app::dump);
      List<String> agent = app.agentLines();
      List<String> warnings = agent.stream().filter(l -> l.contains(" WARN ")).collect(Collectors.toList());
      assertEquals(1, warnings.size(), () -> "one line for the unsupported version, for both clients\n" + app.dump());
      assertTrue(warnings.get(0).contains("langchain4j-mcp 1.12.0-beta20 is not supported (supported: 1.11.x)"), warnings.get(0));
      assertTrue(agent.stream().noneMatch(l -> l.contains("discovered") || l.contains(" -> ")), () -> "no client is managed\n" + app.dump());
      assertEquals(2, agent.size(), () -> "banner and the warning only\n" + app.dump());
      for (String server : new String[] {"sse", "http"}) {
        assertEquals(3, Calls.summary(app, server).ok(), app::dump);
      }
    }
  }

  /** Copies a jar, replacing the version in its Maven properties and manifest. */
  static void relabel(Path from, Path to, String oldVersion, String newVersion) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(from));
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        byte[] data = in.readAllBytes();
        if (e.getName().endsWith("pom.properties") || e.getName().equals("META-INF/MANIFEST.MF")) {
          data = new String(data, StandardCharsets.UTF_8).replace("ersion=" + oldVersion, "ersion=" + newVersion).replace("Version: " + oldVersion, "Version: " + newVersion).getBytes(StandardCharsets.UTF_8);
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(data);
        out.closeEntry();
      }
    }
  }

}
