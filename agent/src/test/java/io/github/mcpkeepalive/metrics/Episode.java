package io.github.mcpkeepalive.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.FakeDriver;
import io.github.mcpkeepalive.core.FakeTime;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Settings;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;

/**
 * A real {@link KeepaliveEngine} on fake time with the metrics publisher as its listener, and one
 * connection taken through what the metrics count: a ping answered in 50 ms, a ping that fails, the
 * stream cut a second later, a reconnect that takes half a second.
 */
final class Episode {

  /** A URL with what must never become an attribute: a path, a query string with secrets. */
  static final String URL = "http://mcp.example.com:8443/mcp?api_key=SECRET123&sessionId=S-42";

  static final double RTT = 0.05;

  /** From the failed ping (t = 20.05 s) until CONNECTED again (t = 21.55 s). */
  static final double RECOVERY = 1.5;

  /** From CONNECTED at t = 0 until the cut stream at t = 21.05 s. */
  static final double FIRST_SESSION = 21.05;

  /** The application's client object: a class of the test's loader, as an application's is. */
  static final class Client {}

  final FakeTime time = new FakeTime();
  final FakeDriver driver = new FakeDriver();
  final Client key = new Client();
  final KeepaliveEngine engine;
  final MetricsPublisher publisher;
  Connection c;

  Episode(Discovery discovery) {
    engine =
        new KeepaliveEngine(
            new Settings(
                true,
                FakeTime.secs(10),
                FakeTime.secs(2),
                3,
                FakeTime.secs(1),
                FakeTime.secs(8),
                0.1,
                Settings.DEFAULT_BACKOFF_JITTER,
                Log.Level.INFO,
                List.of()),
            time,
            time,
            () -> 0.5); // no jitter
    publisher = new MetricsPublisher(time, "9.9", discovery, MetricsPublisher.START_DELAY_NANOS);
    engine.addListener(publisher);
    time.runDue();
  }

  /** Registers the connection and makes it CONNECTED (t = 0). */
  Connection connect() {
    return connect(key);
  }

  /** The same, for a client object of another class loader's class. */
  Connection connect(Object client) {
    c = engine.register(client, "lib 1.0", "streamable", URL, driver);
    engine.onRead(c);
    time.runDue();
    assertEquals(ConnectionState.CONNECTED, c.state());
    return c;
  }

  /** Lets the publisher's start delay pass (t = 3 s). */
  void start() {
    time.advanceSeconds(3);
  }

  /** From t = 3 s: the ping, the failure, the reconnect (ends at t = 21.55 s). */
  void pingFailureAndReconnect() throws Exception {
    time.advanceSeconds(7); // t = 10: idle for the interval
    assertEquals(1, driver.pings.size());
    time.advanceSeconds(RTT);
    driver.lastPing().complete("pong");
    time.runDue();
    time.advanceSeconds(10); // t = 20.05
    assertEquals(2, driver.pings.size());
    driver.lastPing().completeExceptionally(new IOException("no answer"));
    time.runDue();
    assertEquals(ConnectionState.UNHEALTHY, c.state());
    time.advanceSeconds(1); // t = 21.05
    engine.onConnectionLost(c, new EOFException("stream ended"));
    time.runDue();
    assertEquals(ConnectionState.RECONNECTING, c.state());
    time.advanceSeconds(0.5); // t = 21.55
    driver.lastReconnect().complete(null);
    time.runDue();
    assertEquals(ConnectionState.CONNECTED, c.state());
  }

  /** The application closes the client: the second session ends without an error. */
  void close() {
    engine.onClosed(c);
    time.runDue();
  }
}
