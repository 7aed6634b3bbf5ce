package io.github.mcpkeepalive.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.instrumentation.refs.ClassFiles;
import io.github.mcpkeepalive.metrics.Discovery.Api;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An application whose OpenTelemetry API and SDK live in a class loader of their own, which the
 * agent's classes cannot see (as a Spring Boot fat jar keeps its libraries): the bridge is defined
 * beside them and publishes into that application's SDK, not into the copy of the API on the
 * agent's own class path.
 */
class SeparateLoaderTest {

  static final String[] API_AND_SDK = {
    "io.opentelemetry.api.GlobalOpenTelemetry",
    "io.opentelemetry.context.Context",
    "io.opentelemetry.common.ComponentLoader",
    "io.opentelemetry.sdk.OpenTelemetrySdk",
    "io.opentelemetry.sdk.common.CompletableResultCode",
    "io.opentelemetry.sdk.metrics.SdkMeterProvider",
    "io.opentelemetry.sdk.trace.SdkTracerProvider",
    "io.opentelemetry.sdk.logs.SdkLoggerProvider",
    "io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader"
  };

  /** The application's own loader: its jars, and its client class. */
  static final class ApplicationLoader extends URLClassLoader {
    ApplicationLoader(URL[] jars) {
      super("fat-jar-app", jars, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      if (name.equals(IsolatedClient.class.getName())) {
        try {
          byte[] b = ClassFiles.read(SeparateLoaderTest.class.getClassLoader(), name);
          return defineClass(name, b, 0, b.length);
        } catch (IOException e) {
          throw new ClassNotFoundException(name, e);
        }
      }
      return super.findClass(name);
    }
  }

  final List<String> log = new ArrayList<>();

  @AfterEach
  void tearDown() {
    Log.setSink(null);
  }

  @Test
  void theBridgeLinksAgainstTheApplicationsOwnApiAndPublishesIntoItsSdk() throws Exception {
    Log.setSink(log::add);
    List<URL> jars = new ArrayList<>();
    for (String c : API_AND_SDK) {
      jars.add(Class.forName(c).getProtectionDomain().getCodeSource().getLocation());
    }
    try (ApplicationLoader app = new ApplicationLoader(jars.toArray(new URL[0]))) {
      // the application sets its SDK up, with its own classes
      Class<?> readerType =
          app.loadClass("io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader");
      Object reader = readerType.getMethod("create").invoke(null);
      Class<?> providerType = app.loadClass("io.opentelemetry.sdk.metrics.SdkMeterProvider");
      Object providerBuilder = providerType.getMethod("builder").invoke(null);
      providerBuilder
          .getClass()
          .getMethod(
              "registerMetricReader",
              app.loadClass("io.opentelemetry.sdk.metrics.export.MetricReader"))
          .invoke(providerBuilder, reader);
      Object provider = providerBuilder.getClass().getMethod("build").invoke(providerBuilder);
      Object sdkBuilder =
          app.loadClass("io.opentelemetry.sdk.OpenTelemetrySdk").getMethod("builder").invoke(null);
      sdkBuilder
          .getClass()
          .getMethod("setMeterProvider", providerType)
          .invoke(sdkBuilder, provider);
      Object sdk = sdkBuilder.getClass().getMethod("buildAndRegisterGlobal").invoke(sdkBuilder);

      Class<?> appGlobal = app.loadClass(Backends.OTEL_GLOBAL);
      assertNotSame(GlobalOpenTelemetry.class, appGlobal, "two copies of the API");
      Object client =
          app.loadClass(IsolatedClient.class.getName()).getDeclaredConstructor().newInstance();

      Episode e = new Episode(new Backends(EnumSet.of(Api.OPENTELEMETRY)));
      e.connect(client);
      e.start();
      assertEquals(Api.OPENTELEMETRY, e.publisher.publishingTo(app));
      e.pingFailureAndReconnect();

      Collection<?> data = (Collection<?>) readerType.getMethod("collectAllMetrics").invoke(reader);
      String all = data.toString();
      for (Metric m : Metric.values()) {
        assertTrue(all.contains("name=" + m.metricName), () -> m.metricName + " in " + all);
      }
      assertFalse(GlobalOpenTelemetry.isSet(), "the agent's own copy of the API was not used");
      assertTrue(log.stream().noneMatch(l -> l.contains(" WARN ")), log::toString);
      sdk.getClass().getMethod("close").invoke(sdk);
      appGlobal.getMethod("resetForTest").invoke(null);
    }
  }
}
