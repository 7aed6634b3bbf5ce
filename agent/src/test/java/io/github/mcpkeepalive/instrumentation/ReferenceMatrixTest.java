package io.github.mcpkeepalive.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.instrumentation.langchain4j.Langchain4jInstrumentation;
import io.github.mcpkeepalive.instrumentation.mcpsdk.McpSdkInstrumentation;
import io.github.mcpkeepalive.instrumentation.refs.References;
import io.github.mcpkeepalive.instrumentation.weave.ClassWeaver;
import io.github.mcpkeepalive.instrumentation.weave.On;
import io.github.mcpkeepalive.instrumentation.webflux.SdkWebFluxInstrumentation;
import io.github.mcpkeepalive.instrumentation.webflux.SpringAiWebFluxInstrumentation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reference checks against the real jar of every library version inside and next to the tested
 * ranges (copied to {@code target/library-jars} by the build): inside a range exactly the expected
 * version range applies, and no other one (OpenTelemetry's {@code assertInverse}); outside, none
 * does, and the one WARN line names the library, the version and the first member that differs.
 * Where a range applies, its hooks are woven into each of its classes from that jar.
 */
class ReferenceMatrixTest {

  private static final Path JARS = Path.of("target", "library-jars");

  private final List<String> logged = new CopyOnWriteArrayList<>();

  @AfterEach
  void restoreLog() {
    Log.setSink(null);
  }

  @ParameterizedTest(name = "MCP Java SDK {0}: {1}")
  @CsvSource({
    "0.10.0, none",
    "0.14.0, none",
    "0.15.0, mcp-java-sdk-0.16",
    "0.16.0, mcp-java-sdk-0.16",
    "0.17.0, mcp-java-sdk-0.16",
    "0.18.2, mcp-java-sdk-0.16",
    "1.0.0, mcp-java-sdk-0.16",
    "1.1.5, mcp-java-sdk-0.16",
    "2.0.1, mcp-java-sdk-2.0",
    "2.1.0, mcp-java-sdk-2.1"
  })
  void mcpJavaSdk(String version, String expected) throws IOException {
    assertApplies(
        McpSdkInstrumentation.INSTANCE,
        "MCP Java SDK",
        version,
        loader("mcp-java-sdk-" + version, "reactor"),
        expected);
  }

  @ParameterizedTest(name = "langchain4j-mcp {0}: {1}")
  @CsvSource({
    "1.10.0-beta18, none",
    "1.11.0-beta19, langchain4j-mcp-1.11",
    "1.12.2-beta22, langchain4j-mcp-1.12",
    "1.13.0-beta23, langchain4j-mcp-1.13",
    "1.15.1-beta25, langchain4j-mcp-1.13",
    "1.18.1-beta28, langchain4j-mcp-1.13"
  })
  void langchain4jMcp(String version, String expected) throws IOException {
    assertApplies(
        Langchain4jInstrumentation.INSTANCE,
        "langchain4j-mcp",
        version,
        loader("langchain4j-mcp-" + version, "okhttp"),
        expected,
        true);
  }

  /** The SDK's WebClient transports, on the Spring and Reactor Netty lines of Boot 3.5. */
  @ParameterizedTest(name = "MCP Java SDK WebFlux transports {0}: {1}")
  @CsvSource({
    "0.10.0, none",
    "0.16.0, mcp-spring-webflux-0.16",
    "0.17.0, mcp-spring-webflux-0.16",
    "0.18.1, mcp-spring-webflux-0.16"
  })
  void sdkWebFluxTransports(String version, String expected) throws IOException {
    assertApplies(
        SdkWebFluxInstrumentation.INSTANCE,
        "MCP Java SDK WebFlux transports",
        version,
        loader("mcp-spring-webflux-" + version, "spring-6.2", "reactor-netty-1.2", "reactor"),
        expected);
  }

  /**
   * Spring AI's WebClient transports, on the Spring and Reactor Netty lines of Boot 4. The 2.0.0-M3
   * milestone still read the SSE body with {@code retrieve()}: left alone.
   */
  @ParameterizedTest(name = "Spring AI WebFlux transports {0}: {1}")
  @CsvSource({"2.0.0-M3, none", "2.0.0, spring-ai-mcp-spring-webflux-2.0"})
  void springAiWebFluxTransports(String version, String expected) throws IOException {
    assertApplies(
        SpringAiWebFluxInstrumentation.INSTANCE,
        "Spring AI WebFlux transports",
        version,
        loader(
            "spring-ai-mcp-spring-webflux-" + version,
            "spring-7.0",
            "reactor-netty-1.3",
            "reactor"),
        expected);
  }

  /**
   * Each WebFlux support refuses the other's jar, and a WebClient without Reactor Netty behind it
   * (another connector) leaves the transports alone rather than half-managed.
   */
  @ParameterizedTest(name = "{0} on {1}: none")
  @CsvSource({
    "sdk, spring-ai-mcp-spring-webflux-2.0.0, spring-7.0, reactor-netty-1.3",
    "spring-ai, mcp-spring-webflux-0.17.0, spring-6.2, reactor-netty-1.2",
    "spring-ai, spring-ai-mcp-spring-webflux-2.0.0, spring-7.0, reactor"
  })
  void webFluxSupportsRefuseWhatIsNotTheirs(
      String support, String jars, String spring, String netty) throws IOException {
    LibraryInstrumentation library =
        support.equals("sdk")
            ? SdkWebFluxInstrumentation.INSTANCE
            : SpringAiWebFluxInstrumentation.INSTANCE;
    for (InstrumentationModule m : library.modules()) {
      References.Result r = m.references().check(loader(jars, spring, netty, "reactor"));
      assertTrue(!r.matches(), () -> m.name() + " must not match " + jars + " on " + netty);
    }
  }

  private void assertApplies(
      LibraryInstrumentation library,
      String name,
      String version,
      ClassLoader loader,
      String expected)
      throws IOException {
    assertApplies(library, name, version, loader, expected, false);
  }

  /**
   * @param nested each range adds to the one after it (langchain4j-mcp: 1.13 is 1.12 and more): the
   *     ranges after the expected one may match too, those before it must not
   */
  private void assertApplies(
      LibraryInstrumentation library,
      String name,
      String version,
      ClassLoader loader,
      String expected,
      boolean nested)
      throws IOException {
    Log.setSink(logged::add);
    List<String> outcomes = new ArrayList<>();
    boolean passed = false;
    for (InstrumentationModule m : library.modules()) {
      References.Result r = m.references().check(loader);
      outcomes.add(m.name() + ": " + (r.matches() ? "matches" : r.mismatch()));
      if (m.name().equals(expected)) {
        assertTrue(
            r.matches(),
            () -> name + " " + version + " must match " + expected + ": " + r.mismatch());
        passed = true;
      } else if (!nested || !passed) {
        assertTrue(
            !r.matches(),
            () -> name + " " + version + " must not match " + m.name() + " (the ranges overlap)");
      }
    }
    System.out.println(name + " " + version + " -> " + outcomes);

    InstrumentationModule applied = library.moduleFor(loader);
    if (expected.equals("none")) {
      assertNull(applied);
      assertEquals(1, logged.size(), logged::toString);
      String line = logged.get(0);
      assertTrue(
          line.contains(" WARN ") && line.contains(name + " " + version + " left alone"), line);
      assertTrue(
          line.contains("field ")
              || line.contains("method ")
              || line.contains("class ")
              || line.contains("lambda ")
              || line.contains("constructor"),
          () -> "names the member that differs: " + line);
      assertNull(library.moduleFor(loader));
      assertEquals(1, logged.size(), "one line per class loader");
    } else {
      assertEquals(expected, applied.name());
      assertTrue(logged.stream().noneMatch(l -> l.contains(" WARN ")), logged::toString);
      assertWeaves(applied, loader);
    }
  }

  /**
   * Every class of {@code module} in those jars takes its hooks: every selector finds its method,
   * every value and hook fits it.
   */
  private static void assertWeaves(InstrumentationModule module, ClassLoader jars)
      throws IOException {
    for (String type : module.typeNames()) {
      byte[] bytes;
      try (InputStream in = jars.getResourceAsStream(type.replace('.', '/') + ".class")) {
        assertNotNull(in, type);
        bytes = in.readAllBytes();
      }
      List<On> on = module.hooksFor(type);
      byte[] woven = ClassWeaver.weave(bytes, on, ReferenceMatrixTest.class.getClassLoader());
      assertTrue(woven.length > bytes.length, type);
    }
  }

  /**
   * A class loader that sees only the jars of the given folders (no parent but the bootstrap
   * loader).
   */
  private static ClassLoader loader(String... folders) throws IOException {
    List<URL> urls = new ArrayList<>();
    for (String folder : folders) {
      Path dir = JARS.resolve(folder);
      assertTrue(
          Files.isDirectory(dir), dir + " is copied by the build (mvn generate-test-resources)");
      try (Stream<Path> jars = Files.list(dir)) {
        for (Path jar : (Iterable<Path>) jars::iterator) {
          urls.add(jar.toUri().toURL());
        }
      }
    }
    return new URLClassLoader(urls.toArray(new URL[0]), null);
  }
}
