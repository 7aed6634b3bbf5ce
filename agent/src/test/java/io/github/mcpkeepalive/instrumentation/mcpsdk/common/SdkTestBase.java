package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.instrumentation.InstrumentationModule;
import io.github.mcpkeepalive.instrumentation.ManualScheduler;
import io.github.mcpkeepalive.instrumentation.mcpsdk.McpSdkInstrumentation;
import io.github.mcpkeepalive.instrumentation.mcpsdk.v2_1.Sdk21Module;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the hook and driver tests share: the real MCP Java SDK 2.1 of the test class path, decided
 * for the test's class loader as the agent decides it before weaving; an engine on a clock and
 * scheduler that the test moves; the agent's log lines; and real SDK clients of a server that is
 * not there (nothing listens on port 9), which connect only when a test makes them call.
 */
abstract class SdkTestBase {

  static final String NOWHERE = "http://127.0.0.1:9";

  /** How long a test waits for an outcome that takes about {@link #CLIENT_TIMEOUT}, at most. */
  static final Duration DEADLINE = Duration.ofSeconds(10);

  /** The clients' request and initialization timeouts (the SDK's default is 20 s). */
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(1);

  final ManualScheduler scheduler = new ManualScheduler();
  final List<String> log = new CopyOnWriteArrayList<>();
  KeepaliveEngine engine;
  private final List<McpAsyncClient> clients = new ArrayList<>();

  @BeforeEach
  void startEngine() {
    InstrumentationModule decided =
        McpSdkInstrumentation.INSTANCE.moduleFor(getClass().getClassLoader());
    assertInstanceOf(Sdk21Module.class, decided, "SDK 2.1.0 passes the reference check");
    Log.setSink(log::add);
    Log.setLevel(Log.Level.INFO);
    engine = new KeepaliveEngine(Settings.defaults(), scheduler, scheduler, () -> 0.5);
    AgentRuntime.setEngine(engine);
  }

  @AfterEach
  void stopEngine() {
    AgentRuntime.setEngine(null);
    clients.forEach(McpAsyncClient::close);
    Log.setSink(null);
    Log.setLevel(Log.Level.INFO);
  }

  /** A legacy HTTP+SSE client; its endpoint carries a query that must never be shown. */
  @SuppressWarnings("deprecation") // the legacy transport is deprecated, and still supported
  McpAsyncClient sseClient() {
    return client(
        HttpClientSseClientTransport.builder(NOWHERE).sseEndpoint("/sse?token=SECRET").build());
  }

  /** A Streamable HTTP client; its endpoint carries a query that must never be shown. */
  McpAsyncClient streamableClient() {
    return client(streamableTransport());
  }

  static HttpClientStreamableHttpTransport streamableTransport() {
    return HttpClientStreamableHttpTransport.builder(NOWHERE).endpoint("/mcp?token=SECRET").build();
  }

  /** An async client of {@code transport}, closed after the test. */
  McpAsyncClient client(McpClientTransport transport) {
    return track(
        McpClient.async(transport)
            .requestTimeout(CLIENT_TIMEOUT)
            .initializationTimeout(CLIENT_TIMEOUT)
            .build());
  }

  /** Closes {@code client} after the test. */
  McpAsyncClient track(McpAsyncClient client) {
    clients.add(client);
    return client;
  }

  /** {@code client} constructed: the woven constructor calls the hook, the test calls it here. */
  Connection discovered(McpAsyncClient client) {
    SdkHooks.asyncClientCreated(client);
    Connection c = engine.find(client);
    assertNotNull(c, "registered");
    return c;
  }

  /** {@code client} discovered, and CONNECTED as after the application's own initialization. */
  Connection connected(McpAsyncClient client) {
    Connection c = discovered(client);
    engine.onRead(c);
    scheduler.runDue();
    assertEquals(ConnectionState.CONNECTED, c.state());
    return c;
  }

  static SdkDriver driverOf(Connection c) {
    return assertInstanceOf(SdkDriver.class, c.driver());
  }

  /** A Streamable HTTP transport's current session. */
  static Object activeSession(Object transport) throws Throwable {
    return HttpClientTransports.STREAMABLE.sessionRef(transport).get();
  }

  static Object transportOf(Object asyncClient) throws ReflectiveOperationException {
    return SdkRefs.ASYNC_TRANSPORT.get(asyncClient);
  }

  /** The client's {@code LifecycleInitializer} (package-private in the SDK). */
  static Object initializerOf(Object asyncClient) throws ReflectiveOperationException {
    return SdkRefs.ASYNC_INITIALIZER.get(asyncClient);
  }

  /** The agent's log lines of {@code level}, without prefix and time stamp. */
  List<String> logged(Log.Level level) {
    String tag = " " + level + " ";
    return log.stream()
        .filter(l -> l.contains(tag))
        .map(l -> l.substring(l.indexOf(tag) + tag.length()))
        .collect(Collectors.toList());
  }
}
