package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.SimpleRemapper;

/**
 * What decides whether a library is instrumented is its classes, not its version string: a version
 * outside the tested ranges whose classes match everything the agent relies on is healed (and
 * called untested), while a jar of a tested version with one hooked member changed is left alone as
 * a whole, with one line, and the application runs as without the agent.
 */
class VersionGateTest {

  private static final String STREAMABLE =
      "io/modelcontextprotocol/client/transport/HttpClientStreamableHttpTransport";

  @Test
  void anUntestedSdkVersionWhoseClassesMatchIsHealed() throws Exception {
    Path sdk = Files.createTempDirectory("mcp-sdk-2.9.0");
    copy(
        sdkJar("mcp-core"),
        sdk.resolve("mcp-core-2.9.0.jar"),
        relabel("2.1.0", "2.9.0"),
        name -> null);
    Files.copy(sdkJar("mcp-json-jackson3"), sdk.resolve("mcp-json-jackson3-2.1.0.jar"));
    try (Rig rig = new Rig(0, 0);
        AppProcess app =
            AppProcess.start(
                "sdk-2.9.0",
                "interval=5",
                List.of(),
                AppProcess.sampleClasspathWithSdk(sdk),
                ServerRestartTest.APP,
                rig.appArgs("2s", 4, "5s"))) {
      assertEquals(0, app.awaitExit(Duration.ofSeconds(60)), app::dump);
      assertEquals(
          1,
          app.matching("MCP Java SDK 2.9.0 is an untested version").size(),
          () -> "one line says so\n" + app.dump());
      assertEquals(
          2,
          app.matching("[mcp-java-sdk 2.9.0 (untested version)]").size(),
          () -> "both clients are discovered\n" + app.dump());
      assertEquals(2, app.matching("NEW -> CONNECTED").size(), app::dump);
      assertTrue(
          app.agentLines().stream().noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ")),
          app::dump);
      for (String server : new String[] {"sse", "http"}) {
        assertEquals(4, Calls.summary(app, server).ok(), app::dump);
      }
    }
  }

  @Test
  void anUntestedLangchain4jVersionWhoseClassesMatchIsHealed() throws Exception {
    Path lib = Path.of("..", "sample-langchain4j", "target", "lib").toAbsolutePath().normalize();
    Path real;
    try (Stream<Path> jars = Files.list(lib)) {
      real =
          jars.filter(p -> p.getFileName().toString().matches("langchain4j-mcp-.*\\.jar"))
              .findFirst()
              .orElseThrow();
    }
    String version = real.getFileName().toString().replaceAll("^langchain4j-mcp-(.*)\\.jar$", "$1");
    Path mcp = Files.createTempDirectory("langchain4j-mcp-1.99.0");
    copy(
        real,
        mcp.resolve("langchain4j-mcp-1.99.0-beta99.jar"),
        relabel(version, "1.99.0-beta99"),
        name -> null);
    try (Rig rig = new Rig(0, 0);
        AppProcess app =
            AppProcess.start(
                "langchain4j-1.99.0",
                "interval=5",
                List.of(),
                AppProcess.moduleClasspathReplacing(
                    "sample-langchain4j", "langchain4j-mcp-.*\\.jar", mcp),
                "io.github.mcpkeepalive.sample.langchain4j.Langchain4jApp",
                rig.appArgs("2s", 4, "5s"))) {
      assertEquals(0, app.awaitExit(Duration.ofSeconds(60)), app::dump);
      assertEquals(
          1,
          app.matching("langchain4j-mcp 1.99.0-beta99 is an untested version").size(),
          () -> "one line says so\n" + app.dump());
      assertEquals(
          2,
          app.matching("[langchain4j-mcp 1.99.0-beta99 (untested version)]").size(),
          () -> "both clients are discovered\n" + app.dump());
      assertTrue(
          app.agentLines().stream().noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ")),
          app::dump);
      for (String server : new String[] {"sse", "http"}) {
        assertEquals(4, Calls.summary(app, server).ok(), app::dump);
      }
    }
  }

  /**
   * The real SDK 2.1.0 with one private method the agent calls, {@code
   * HttpClientStreamableHttpTransport.reconnect}, renamed (the class still works: every call to it
   * is renamed too): the agent instruments no class of the SDK, not even the legacy SSE transport
   * whose members all match, and says why in one line.
   */
  @Test
  void aTestedSdkWithOneHookedMemberChangedIsLeftAloneWhole() throws Exception {
    Path sdk = Files.createTempDirectory("mcp-sdk-2.1.0-changed");
    SimpleRemapper rename =
        new SimpleRemapper(
            STREAMABLE
                + ".reconnect(Lio/modelcontextprotocol/spec/McpTransportStream;)Lreactor/core/publisher/Mono;",
            "reopenStream");
    copy(
        sdkJar("mcp-core"),
        sdk.resolve("mcp-core-2.1.0.jar"),
        UnaryOperator.identity(),
        name -> name.equals(STREAMABLE + ".class") ? rename : null);
    Files.copy(sdkJar("mcp-json-jackson3"), sdk.resolve("mcp-json-jackson3-2.1.0.jar"));
    try (Rig rig = new Rig(0, 0);
        AppProcess app =
            AppProcess.start(
                "sdk-2.1.0-changed",
                "interval=5",
                List.of(),
                AppProcess.sampleClasspathWithSdk(sdk),
                ServerRestartTest.APP,
                rig.appArgs("1s", 3, "5s"))) {
      assertEquals(0, app.awaitExit(Duration.ofSeconds(60)), app::dump);
      List<String> agent = app.agentLines();
      List<String> warnings =
          agent.stream().filter(l -> l.contains(" WARN ")).collect(Collectors.toList());
      assertEquals(1, warnings.size(), () -> "one line, for both clients\n" + app.dump());
      assertTrue(
          warnings
              .get(0)
              .contains("MCP Java SDK 2.1.0 left alone, its clients run without keepalive"),
          warnings.get(0));
      assertTrue(
          warnings
              .get(0)
              .contains(
                  "method reconnect(*) returning reactor.core.publisher.Mono of "
                      + STREAMABLE.replace('/', '.')
                      + " not found"),
          warnings.get(0));
      assertTrue(
          agent.stream().noneMatch(l -> l.contains("discovered") || l.contains(" -> ")),
          () -> "no client is managed, not even the SSE one\n" + app.dump());
      assertEquals(2, agent.size(), () -> "the start line and the warning only\n" + app.dump());
      for (String server : new String[] {"sse", "http"}) {
        assertEquals(
            3,
            Calls.summary(app, server).ok(),
            () -> "the application works as without the agent\n" + app.dump());
      }
    }
  }

  private static Path sdkJar(String artifact) throws IOException {
    Path lib =
        Path.of(System.getProperty("sample.lib", "../sample-app/target/lib")).toAbsolutePath();
    try (Stream<Path> jars = Files.list(lib)) {
      return jars.filter(p -> p.getFileName().toString().matches(artifact + "-2\\.1\\.0\\.jar"))
          .findFirst()
          .orElseThrow();
    }
  }

  /** Replaces the version in the Maven properties and the manifest. */
  private static UnaryOperator<String> relabel(String oldVersion, String newVersion) {
    return text ->
        text.replace("ersion=" + oldVersion, "ersion=" + newVersion)
            .replace("Version: " + oldVersion, "Version: " + newVersion);
  }

  /**
   * Copies a jar, rewriting its version texts and remapping the classes {@code remapperFor} names.
   */
  private static void copy(
      Path from, Path to, UnaryOperator<String> texts, Function<String, SimpleRemapper> remapperFor)
      throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(from));
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        byte[] data = in.readAllBytes();
        if (e.getName().endsWith("pom.properties") || e.getName().equals("META-INF/MANIFEST.MF")) {
          data =
              texts
                  .apply(new String(data, StandardCharsets.UTF_8))
                  .getBytes(StandardCharsets.UTF_8);
        }
        SimpleRemapper remapper = remapperFor.apply(e.getName());
        if (remapper != null) {
          ClassReader reader = new ClassReader(data);
          ClassWriter writer = new ClassWriter(0);
          reader.accept(new ClassRemapper(writer, remapper), 0);
          data = writer.toByteArray();
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(data);
        out.closeEntry();
      }
    }
  }
}
