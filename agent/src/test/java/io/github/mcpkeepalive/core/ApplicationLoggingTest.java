package io.github.mcpkeepalive.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code log_target=application} against real application logging stacks, each in a class loader of
 * its own as an application's would be: SLF4J 2 with Logback (configured by its own {@code
 * logback.xml}), SLF4J 2 and 1.7 without a backend, no SLF4J at all.
 */
class ApplicationLoggingTest {

  private static final Path JARS = Path.of("target", "library-jars");

  @TempDir Path dir;
  private final List<String> stderr = new CopyOnWriteArrayList<>();

  @BeforeEach
  void capture() {
    Log.setSink(stderr::add);
    Log.setLevel(Log.Level.INFO);
    Log.setTarget(Log.Target.APPLICATION);
  }

  @AfterEach
  void restore() {
    Log.setTarget(Log.Target.STDERR);
    Log.setSink(null);
  }

  @Test
  void linesGoToTheApplicationsLogbackOnlyOnceTheApplicationHasSetItUp() throws Exception {
    Path file = dir.resolve("app.log");
    Files.writeString(
        dir.resolve("logback.xml"),
        "<configuration><appender name='F' class='ch.qos.logback.core.FileAppender'>"
            + "<file>"
            + file
            + "</file><encoder><pattern>%logger|%level|%msg%n</pattern></encoder></appender>"
            + "<root level='INFO'><appender-ref ref='F'/></root></configuration>");
    try (URLClassLoader app = application("slf4j-2.0-logback", dir)) {
      Log.applicationLoader(app);

      Log.CONNECTION.info("discovered c1 before the application logs");
      assertEquals(1, stderr.size(), stderr.toString());
      assertTrue(stderr.get(0).contains("INFO discovered c1 before"), stderr.get(0));
      assertEquals(0, initializationState(app), "the agent did not initialize the app's SLF4J");
      assertFalse(Files.exists(file), "nor its backend");

      applicationLogs(app); // the application's first logger: SLF4J binds Logback

      Log.CONNECTION.info("c1 streamable: CONNECTED -> DISCONNECTED (stream closed by peer)");
      Log.warn("an agent warning");
      Log.CONNECTION.debug("below the agent's level: written nowhere");
      Log.INSTRUMENTATION.info("instrumented a.B in 3 ms");

      assertEquals(
          List.of(
              "mcp.keepalive.connection|INFO|c1 streamable: CONNECTED -> DISCONNECTED (stream closed by peer)",
              "mcp.keepalive.agent|WARN|an agent warning",
              "mcp.keepalive.instrumentation|INFO|instrumented a.B in 3 ms"),
          Files.readAllLines(file));
      assertEquals(2, stderr.size(), stderr.toString());
      assertTrue(
          stderr
              .get(1)
              .contains("the agent's further lines go there (SLF4J loggers mcp.keepalive.*)"),
          stderr.get(1));
    }
  }

  @Test
  void anApplicationWhoseSlf4jHasNoBackendKeepsTheLinesOnStandardError() throws Exception {
    for (String stack : List.of("slf4j-2.0-alone", "slf4j-1.7-alone")) {
      stderr.clear();
      Log.setTarget(Log.Target.APPLICATION);
      try (URLClassLoader app = application(stack)) {
        Log.applicationLoader(app);
        applicationLogs(app);
        Log.CONNECTION.info("c1 discovered");
        Log.CONNECTION.info("c1 ping answered");
        assertEquals(3, stderr.size(), stack + ": " + stderr);
        assertTrue(
            stderr.get(0).contains("the application's SLF4J is not used, it has no logging backend")
                && stderr.get(0).contains("lines stay on standard error"),
            stack + ": " + stderr.get(0));
        assertTrue(stderr.get(1).endsWith("INFO c1 discovered"), stderr.get(1));
        assertTrue(stderr.get(2).endsWith("INFO c1 ping answered"), stderr.get(2));
      }
    }
  }

  @Test
  void anApplicationWithoutSlf4jIsToldOnceAndLinesStayOnStandardError() throws Exception {
    try (URLClassLoader app = new URLClassLoader(new URL[0], null)) {
      Log.applicationLoader(app);
      Log.info("one");
      Log.info("two");
      assertEquals(3, stderr.size(), stderr.toString());
      assertTrue(stderr.get(0).contains("the application has no SLF4J"), stderr.get(0));
    }
  }

  @Test
  void withTheDefaultTargetTheApplicationsLoggingIsNeverLookedAt() throws Exception {
    Log.setTarget(Log.Target.STDERR);
    try (URLClassLoader app = application("slf4j-2.0-logback", dir)) {
      applicationLogs(app);
      Log.applicationLoader(app);
      Log.info("only here");
      assertEquals(1, stderr.size(), stderr.toString());
      assertTrue(stderr.get(0).startsWith(Log.PREFIX + " "), stderr.get(0));
    }
  }

  private static URLClassLoader application(String stack, Path... more) throws IOException {
    List<URL> urls = new ArrayList<>();
    for (Path p : more) {
      urls.add(p.toUri().toURL());
    }
    try (Stream<Path> jars = Files.list(JARS.resolve(stack))) {
      for (Path jar : (Iterable<Path>) jars::iterator) {
        urls.add(jar.toUri().toURL());
      }
    }
    return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
  }

  /** What an application does first with its logging: it asks SLF4J for a logger. */
  private static void applicationLogs(ClassLoader app) throws ReflectiveOperationException {
    Class.forName("org.slf4j.LoggerFactory", true, app)
        .getMethod("getLogger", String.class)
        .invoke(null, "com.example.App");
  }

  private static int initializationState(ClassLoader app) throws ReflectiveOperationException {
    Field f =
        Class.forName("org.slf4j.LoggerFactory", false, app)
            .getDeclaredField("INITIALIZATION_STATE");
    f.setAccessible(true);
    return f.getInt(null);
  }
}
