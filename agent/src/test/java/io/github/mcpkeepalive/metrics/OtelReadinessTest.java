package io.github.mcpkeepalive.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.metrics.Discovery.Api;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whether the application's OpenTelemetry global is set, told without ever making it exist: by
 * {@code isSet()} from API 1.57, by the static field before (1.44 here, copied by the build).
 */
class OtelReadinessTest {

  @AfterEach
  void tearDown() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void anApiWithIsSetIsAskedAndTheApplicationsSetStillWorks() {
    GlobalOpenTelemetry.resetForTest();
    ClassLoader app = OtelReadinessTest.class.getClassLoader();
    assertFalse(Backends.otelReady(app));
    assertFalse(Backends.otelReady(app));
    GlobalOpenTelemetry.set(OpenTelemetry.noop()); // throws if anything had called get()
    assertTrue(Backends.otelReady(app));
  }

  @Test
  void anApiOlderThanIsSetIsReadFromItsFieldAndTheApplicationsSetStillWorks() throws Exception {
    List<URL> jars = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("target", "otel-api-1.44"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        jars.add(p.toUri().toURL());
      }
    }
    assertEquals(2, jars.size(), jars::toString);
    try (URLClassLoader app = new URLClassLoader("otel-api-1.44", jars.toArray(new URL[0]), null)) {
      Class<?> global = app.loadClass(Backends.OTEL_GLOBAL);
      assertThrows(NoSuchMethodException.class, () -> global.getMethod("isSet"));
      Backends discovery = new Backends(EnumSet.of(Api.OPENTELEMETRY));
      assertFalse(Backends.otelReady(app));
      assertEquals(new Discovery.Found(null, true), discovery.find(app, Set.of()));

      Class<?> api = app.loadClass("io.opentelemetry.api.OpenTelemetry");
      global.getMethod("set", api).invoke(null, api.getMethod("noop").invoke(null));
      assertTrue(Backends.otelReady(app));
      assertEquals(new Discovery.Found(Api.OPENTELEMETRY, false), discovery.find(app, Set.of()));
    }
  }
}
