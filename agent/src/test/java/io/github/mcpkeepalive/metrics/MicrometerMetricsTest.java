package io.github.mcpkeepalive.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.metrics.Discovery.Api;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's figures in a Micrometer registry the application added to {@code
 * Metrics.globalRegistry}, from a real engine driven through a ping, a failure and a reconnect.
 */
class MicrometerMetricsTest {

  final List<String> log = new ArrayList<>();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  static final String[] TAGS = {
    "server.address", "mcp.example.com",
    "server.port", "8443",
    "mcp.keepalive.transport", "streamable",
    "mcp.keepalive.library", "lib 1.0"
  };

  @BeforeEach
  void setUp() {
    Log.setSink(log::add);
    Metrics.globalRegistry.add(registry);
  }

  @AfterEach
  void tearDown() {
    Metrics.globalRegistry.remove(registry);
    Metrics.globalRegistry.clear();
    registry.close();
    Log.setSink(null);
  }

  double counter(String name) {
    return registry.get(name).tags(TAGS).functionCounter().count();
  }

  @Test
  void aPingAFailureAndAReconnectArePublishedWithTheServersAddressAndNoSecret() throws Exception {
    Episode e = new Episode(new Backends(EnumSet.of(Api.MICROMETER)));
    e.connect();
    e.start();
    assertEquals(Api.MICROMETER, e.publisher.publishingTo(e.key.getClass().getClassLoader()));
    e.pingFailureAndReconnect();

    assertEquals(2, counter("mcp.keepalive.pings.sent"));
    assertEquals(1, counter("mcp.keepalive.pings.failed"));
    assertEquals(1, counter("mcp.keepalive.reconnects.attempted"));
    assertEquals(1, counter("mcp.keepalive.reconnects.succeeded"));
    assertEquals(
        1,
        registry
            .get("mcp.keepalive.connections")
            .tags(TAGS)
            .tag("mcp.keepalive.state", "CONNECTED")
            .gauge()
            .value());
    assertEquals(
        0,
        registry
            .get("mcp.keepalive.connections")
            .tags(TAGS)
            .tag("mcp.keepalive.state", "RECONNECTING")
            .gauge()
            .value());

    Timer rtt = registry.get("mcp.keepalive.ping.duration").tags(TAGS).timer();
    assertEquals(1, rtt.count());
    assertEquals(Episode.RTT, rtt.totalTime(TimeUnit.SECONDS), 1e-6);
    Timer recovery = registry.get("mcp.keepalive.recovery.duration").tags(TAGS).timer();
    assertEquals(Episode.RECOVERY, recovery.totalTime(TimeUnit.SECONDS), 1e-6);
    Timer session =
        registry
            .get("mcp.client.session.duration")
            .tags(TAGS)
            .tag("error.type", "peer_closed")
            .tag("network.transport", "tcp")
            .tag("network.protocol.name", "http")
            .timer();
    assertEquals(1, session.count());
    assertEquals(Episode.FIRST_SESSION, session.totalTime(TimeUnit.SECONDS), 1e-6);

    e.close();
    assertEquals(2, counter("mcp.keepalive.pings.sent"), "a counter never goes down");
    assertEquals(
        1,
        registry
            .get("mcp.client.session.duration")
            .tags(TAGS)
            .tag("error.type", "none")
            .timer()
            .count(),
        "the session the application closed");

    List<Meter> ours = new ArrayList<>();
    for (Meter m : registry.getMeters()) {
      if (m.getId().getName().startsWith("mcp.")) {
        if (!m.getId().getName().endsWith(".histogram")) {
          ours.add(m); // a registry without histograms shows a timer's buckets as gauges, "le"
        }
        for (Tag t : m.getId().getTags()) {
          String v = t.getValue();
          assertFalse(
              v.contains("?") || v.contains("SECRET") || v.contains("S-42") || v.contains("/mcp"),
              () -> "tag with a path, query string or secret: " + m.getId());
        }
      }
    }
    assertEquals(
        4 + 5 + 2 + 2, ours.size(), () -> "4 counters, 5 states, 2 sessions, 2 timers: " + ours);
    assertTrue(log.stream().anyMatch(l -> l.contains("published to Micrometer")), log::toString);
  }
}
