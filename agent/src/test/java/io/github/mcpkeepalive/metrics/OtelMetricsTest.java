package io.github.mcpkeepalive.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.metrics.Discovery.Api;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's figures in the application's real OpenTelemetry SDK (an in-memory reader), from a
 * real engine driven through a ping, a failure and a reconnect; and an application that sets its
 * SDK only after the agent first looked, which must still be able to.
 */
class OtelMetricsTest {

  final List<String> log = new ArrayList<>();
  final InMemoryMetricReader reader = InMemoryMetricReader.create();
  OpenTelemetrySdk sdk;

  @BeforeEach
  void setUp() {
    GlobalOpenTelemetry.resetForTest();
    Log.setSink(log::add);
    Log.setLevel(Log.Level.INFO);
  }

  @AfterEach
  void tearDown() {
    if (sdk != null) {
      sdk.close();
    }
    GlobalOpenTelemetry.resetForTest();
    Log.setSink(null);
  }

  /** What the application does at its start: its SDK, set as the global one. */
  void applicationSetsItsSdk() {
    sdk =
        OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
            .buildAndRegisterGlobal();
  }

  static Episode episode() {
    return new Episode(new Backends(EnumSet.of(Api.OPENTELEMETRY)));
  }

  @Test
  void aPingAFailureAndAReconnectArePublishedWithTheServersAddressAndNoSecret() throws Exception {
    applicationSetsItsSdk();
    Episode e = episode();
    e.connect();
    e.start();
    assertEquals(Api.OPENTELEMETRY, e.publisher.publishingTo(e.key.getClass().getClassLoader()));
    e.pingFailureAndReconnect();

    Map<String, MetricData> m = byName(reader.collectAllMetrics());
    assertEquals(2, counter(m, "mcp.keepalive.pings.sent"));
    assertEquals(1, counter(m, "mcp.keepalive.pings.failed"));
    assertEquals(1, counter(m, "mcp.keepalive.reconnects.attempted"));
    assertEquals(1, counter(m, "mcp.keepalive.reconnects.succeeded"));
    assertEquals("{ping}", m.get("mcp.keepalive.pings.sent").getUnit());

    Map<String, Long> states =
        m.get("mcp.keepalive.connections").getLongGaugeData().getPoints().stream()
            .collect(
                Collectors.toMap(
                    p -> p.getAttributes().get(AttributeKey.stringKey("mcp.keepalive.state")),
                    LongPointData::getValue));
    assertEquals(
        Map.of("NEW", 0L, "CONNECTED", 1L, "UNHEALTHY", 0L, "DISCONNECTED", 0L, "RECONNECTING", 0L),
        states);

    HistogramPointData rtt = histogram(m, "mcp.keepalive.ping.duration", 1);
    assertEquals(Episode.RTT, rtt.getSum(), 1e-9);
    assertEquals(Metric.PING_DURATION.buckets, rtt.getBoundaries());
    assertEquals("s", m.get("mcp.keepalive.ping.duration").getUnit());
    assertEquals(
        Episode.RECOVERY, histogram(m, "mcp.keepalive.recovery.duration", 1).getSum(), 1e-9);

    HistogramPointData session = histogram(m, "mcp.client.session.duration", 1);
    assertEquals(Episode.FIRST_SESSION, session.getSum(), 1e-9);
    assertEquals(Metric.SESSION_DURATION.buckets, session.getBoundaries());
    Attributes sa = session.getAttributes();
    assertEquals("peer_closed", sa.get(AttributeKey.stringKey("error.type")));
    assertEquals("tcp", sa.get(AttributeKey.stringKey("network.transport")));
    assertEquals("http", sa.get(AttributeKey.stringKey("network.protocol.name")));

    for (MetricData d : m.values()) {
      assertEquals("io.github.mcpkeepalive", d.getInstrumentationScopeInfo().getName());
      assertEquals("9.9", d.getInstrumentationScopeInfo().getVersion());
      for (PointData p : d.getData().getPoints()) {
        Attributes a = p.getAttributes();
        assertEquals(
            "mcp.example.com", a.get(AttributeKey.stringKey("server.address")), d::getName);
        assertEquals(8443L, a.get(AttributeKey.longKey("server.port")), d::getName);
        assertEquals("streamable", a.get(AttributeKey.stringKey("mcp.keepalive.transport")));
        assertEquals("lib 1.0", a.get(AttributeKey.stringKey("mcp.keepalive.library")));
        assertNoSecret(a);
      }
    }

    // the application closes its client: the counts stay, the session ends without an error
    e.close();
    m = byName(reader.collectAllMetrics());
    assertEquals(2, counter(m, "mcp.keepalive.pings.sent"), "a counter never goes down");
    assertEquals(1, counter(m, "mcp.keepalive.reconnects.succeeded"));
    assertTrue(
        m.get("mcp.keepalive.connections").getLongGaugeData().getPoints().stream()
            .allMatch(p -> p.getValue() == 0));
    List<HistogramPointData> sessions =
        new ArrayList<>(m.get("mcp.client.session.duration").getHistogramData().getPoints());
    assertEquals(2, sessions.size(), sessions::toString);
    assertTrue(
        sessions.stream()
            .anyMatch(
                p ->
                    p.getAttributes().get(AttributeKey.stringKey("error.type")) == null
                        && p.getCount() == 1),
        "a session the application closed carries no error.type: " + sessions);
    assertTrue(log.stream().anyMatch(l -> l.contains("published to OpenTelemetry")), log::toString);
    assertTrue(log.stream().noneMatch(l -> l.contains(" WARN ")), log::toString);
  }

  @Test
  void nothingIsPublishedBeforeTheApplicationSetsItsSdkAndItsSetStillWorks() throws Exception {
    Episode e = episode();
    e.connect();
    e.start(); // the agent looks: the API is there, its global is not set
    ClassLoader app = e.key.getClass().getClassLoader();
    assertNull(e.publisher.publishingTo(app));
    assertFalse(GlobalOpenTelemetry.isSet(), "the agent did not make a global instance exist");
    e.time.advanceSeconds(MetricsPublisher.RECHECK_FIRST_NANOS / 1e9); // it looks again
    assertNull(e.publisher.publishingTo(app));
    assertFalse(GlobalOpenTelemetry.isSet());

    applicationSetsItsSdk(); // would throw had anything called GlobalOpenTelemetry.get()
    assertTrue(reader.collectAllMetrics().isEmpty(), "nothing published before");
    e.time.advanceSeconds(4); // t = 10: a ping, answered before the agent looks again
    e.driver.lastPing().complete("pong");
    e.time.runDue();
    e.time.advanceSeconds(2); // t = 12: the next look
    assertEquals(Api.OPENTELEMETRY, e.publisher.publishingTo(app));
    assertInstanceOf(
        BridgeLoader.class,
        e.publisher.backendOf(app).getClass().getClassLoader(),
        "the bridge is defined beside the application's classes");

    e.time.advanceSeconds(8.5); // t = 20.5: the next idle ping came at t = 20
    e.driver.lastPing().complete("pong");
    e.time.runDue();
    Map<String, MetricData> m = byName(reader.collectAllMetrics());
    assertEquals(2, counter(m, "mcp.keepalive.pings.sent"), "counted from the discovery");
    assertEquals(
        1,
        histogram(m, "mcp.keepalive.ping.duration", 1).getCount(),
        "durations from the moment the agent publishes");
  }

  static Map<String, MetricData> byName(Collection<MetricData> all) {
    return all.stream().collect(Collectors.toMap(MetricData::getName, d -> d));
  }

  static long counter(Map<String, MetricData> m, String name) {
    MetricData d = m.get(name);
    assertTrue(d != null, () -> name + " published: " + m.keySet());
    assertTrue(d.getLongSumData().isMonotonic(), name);
    List<LongPointData> points = new ArrayList<>(d.getLongSumData().getPoints());
    assertEquals(1, points.size(), points::toString);
    return points.get(0).getValue();
  }

  static HistogramPointData histogram(Map<String, MetricData> m, String name, long count) {
    MetricData d = m.get(name);
    assertTrue(d != null, () -> name + " published: " + m.keySet());
    List<HistogramPointData> points = new ArrayList<>(d.getHistogramData().getPoints());
    assertEquals(1, points.size(), points::toString);
    assertEquals(count, points.get(0).getCount(), name);
    return points.get(0);
  }

  static void assertNoSecret(Attributes a) {
    for (Object v : a.asMap().values()) {
      String s = String.valueOf(v);
      assertFalse(
          s.contains("?")
              || s.contains("SECRET")
              || s.contains("S-42")
              || s.contains("/mcp")
              || s.contains("api_key"),
          () -> "attribute value with a path, query string or secret: " + a);
    }
  }
}
