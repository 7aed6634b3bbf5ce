package io.github.mcpkeepalive.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.instrumentation.refs.ClassFiles;
import io.github.mcpkeepalive.metrics.Discovery.Api;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the publisher looks for and when, which API it picks, and that a failing bridge harms
 * nothing but itself.
 */
class MetricsPublisherTest {

  final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    Log.setSink(log::add);
    GlobalOpenTelemetry.resetForTest();
  }

  @AfterEach
  void tearDown() {
    Log.setSink(null);
    GlobalOpenTelemetry.resetForTest();
  }

  /** An application class loader that sees neither API and records what it is asked for. */
  static final class RecordingLoader extends ClassLoader {
    final List<String> asked = new CopyOnWriteArrayList<>();

    RecordingLoader() {
      super("app-without-metrics", ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c != null) {
          return c;
        }
        if (name.equals(IsolatedClient.class.getName())) {
          try {
            byte[] b = ClassFiles.read(MetricsPublisherTest.class.getClassLoader(), name);
            return defineClass(name, b, 0, b.length);
          } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
          }
        }
        asked.add("class " + name);
        return super.loadClass(name, resolve);
      }
    }

    @Override
    public URL getResource(String name) {
      asked.add("resource " + name);
      return super.getResource(name);
    }
  }

  @Test
  void withNeitherApiNoClassOfThemIsLoadedNoBridgeIsBuiltAndNothingIsAskedAgain() throws Exception {
    RecordingLoader app = new RecordingLoader();
    Object client =
        app.loadClass(IsolatedClient.class.getName()).getDeclaredConstructor().newInstance();
    app.asked.clear(); // java.lang.Object, for the client's class
    Episode e = new Episode(new Backends());
    e.connect(client);
    assertEquals(List.of(), app.asked, "nothing asked before the start delay");
    e.start();
    e.pingFailureAndReconnect();
    e.time.advanceSeconds(600);
    e.close();
    assertNull(e.publisher.publishingTo(app));
    assertEquals(
        List.of(
            "resource io/opentelemetry/api/GlobalOpenTelemetry.class",
            "resource io/micrometer/core/instrument/Metrics.class"),
        app.asked,
        "two resource look-ups, once: no class loaded through the application's loader");
    assertTrue(log.stream().noneMatch(l -> l.contains("metrics")), log::toString);
  }

  @Test
  void openTelemetryIsPreferredWhenItsGlobalIsSetAndMicrometerServesOtherwise() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics.globalRegistry.add(registry);
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    try (OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
            .build()) {
      Episode unset = new Episode(new Backends());
      unset.connect();
      unset.start();
      assertEquals(
          Api.MICROMETER, unset.publisher.publishingTo(unset.key.getClass().getClassLoader()));
      assertTrue(reader.collectAllMetrics().isEmpty());

      GlobalOpenTelemetry.set(sdk);
      Episode set = new Episode(new Backends());
      set.connect();
      set.start();
      assertEquals(
          Api.OPENTELEMETRY, set.publisher.publishingTo(set.key.getClass().getClassLoader()));
      assertTrue(
          reader.collectAllMetrics().stream()
              .anyMatch(d -> d.getName().equals("mcp.keepalive.connections")));
    } finally {
      Metrics.globalRegistry.remove(registry);
      Metrics.globalRegistry.clear();
      registry.close();
    }
  }

  /** A backend that records what it is told, and fails when asked to. */
  static final class FakeBackend implements MetricsBackend {
    final Consumer<Throwable> failed;
    final List<String> calls = new ArrayList<>();
    boolean throwOnRecord;

    FakeBackend(Consumer<Throwable> failed) {
      this.failed = failed;
    }

    @Override
    public void add(MetricGroup group) {
      calls.add("add " + group);
    }

    @Override
    public void record(Metric histogram, MetricGroup group, String errorType, double seconds) {
      if (throwOnRecord) {
        throw new IllegalStateException("bridge broken");
      }
      calls.add(histogram.metricName);
    }
  }

  /** Offers OpenTelemetry, then Micrometer once OpenTelemetry is excluded. */
  static final class FakeDiscovery implements Discovery {
    final Map<Api, FakeBackend> built = new EnumMap<>(Api.class);

    @Override
    public Found find(ClassLoader loader, Set<Api> excluded) {
      for (Api api : Api.values()) {
        if (!excluded.contains(api)) {
          return new Found(api, false);
        }
      }
      return new Found(null, false);
    }

    @Override
    public MetricsBackend create(
        Api api, ClassLoader loader, String version, Consumer<Throwable> failed) {
      FakeBackend b = new FakeBackend(failed);
      b.throwOnRecord = api == Api.OPENTELEMETRY;
      built.put(api, b);
      return b;
    }
  }

  @Test
  void aBridgeThatFailsIsLoggedOnceAndDroppedAndTheOtherApiAndKeepaliveGoOn() throws Exception {
    FakeDiscovery d = new FakeDiscovery();
    Episode e = new Episode(d);
    e.connect();
    e.start();
    ClassLoader app = e.key.getClass().getClassLoader();
    assertEquals(Api.OPENTELEMETRY, e.publisher.publishingTo(app));

    e.pingFailureAndReconnect(); // the first answered ping breaks the OpenTelemetry bridge
    assertEquals(Api.MICROMETER, e.publisher.publishingTo(app));
    assertEquals(ConnectionState.CONNECTED, e.c.state(), "keepalive went on");
    FakeBackend micrometer = d.built.get(Api.MICROMETER);
    assertEquals(
        List.of(
            "add " + MetricGroup.attributesOf(e.c),
            "mcp.client.session.duration",
            "mcp.keepalive.recovery.duration"),
        micrometer.calls);

    // the Micrometer bridge fails on the backend's own thread (a callback while collecting)
    Thread collector =
        new Thread(() -> micrometer.failed.accept(new IllegalStateException("callback broken")));
    collector.start();
    collector.join();
    micrometer.failed.accept(new IllegalStateException("again"));
    e.time.runDue();
    assertNull(e.publisher.publishingTo(app), "neither bridge is used any more");
    int before = micrometer.calls.size();
    e.close();
    assertEquals(before, micrometer.calls.size(), "a dropped bridge is told nothing more");

    List<String> warnings =
        log.stream().filter(l -> l.contains(" WARN ")).collect(Collectors.toList());
    assertEquals(2, warnings.size(), warnings::toString);
    assertTrue(
        warnings.get(0).startsWith(Log.PREFIX + " ")
            && warnings.get(0).contains("publishing to OpenTelemetry")
            && warnings.get(0).contains("bridge broken"),
        warnings::toString);
    assertTrue(
        warnings.get(1).contains("publishing to Micrometer")
            && warnings.get(1).contains("callback broken"),
        warnings::toString);
  }
}
