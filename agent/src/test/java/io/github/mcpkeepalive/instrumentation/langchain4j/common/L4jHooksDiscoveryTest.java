package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.mcp.client.transport.stdio.StdioMcpTransport;
import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.ServerEntry;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.instrumentation.langchain4j.Langchain4jInstrumentation;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * How the hooks find langchain4j clients and let them go: clientCreating (the library's health
 * check), clientCreated, clientClosed, libraryReconnect.
 */
class L4jHooksDiscoveryTest extends L4jTestBase {

  // ------------------------------------------------------------------ clientCreating

  @Test
  void theHealthCheckTheApplicationLeftUnconfiguredIsTurnedOff() throws Exception {
    DefaultMcpClient.Builder builder = builder(streamableTransport());

    L4jHooks.clientCreating(builder);

    assertEquals(Boolean.FALSE, healthCheckOf(builder));
  }

  @Test
  void theHealthCheckOfAnSseClientTheApplicationLeftUnconfiguredIsTurnedOff() throws Exception {
    DefaultMcpClient.Builder builder = builder(sseTransport());

    L4jHooks.clientCreating(builder);

    assertEquals(Boolean.FALSE, healthCheckOf(builder));
  }

  @Test
  void aHealthCheckTheApplicationConfiguredIsLeftAsConfigured() throws Exception {
    DefaultMcpClient.Builder on = builder(streamableTransport()).autoHealthCheck(true);
    DefaultMcpClient.Builder off = builder(streamableTransport()).autoHealthCheck(false);
    DefaultMcpClient.Builder interval =
        builder(streamableTransport()).autoHealthCheckInterval(Duration.ofSeconds(7));

    L4jHooks.clientCreating(on);
    L4jHooks.clientCreating(off);
    L4jHooks.clientCreating(interval);

    assertEquals(Boolean.TRUE, healthCheckOf(on));
    assertEquals(Boolean.FALSE, healthCheckOf(off));
    assertNull(healthCheckOf(interval), "an interval alone means the application wants it");
  }

  @Test
  void theHealthCheckIsLeftAloneWhereTheConfigurationDisablesTheConnection() throws Exception {
    ServerEntry off = new ServerEntry("off", server.url("/mcp"), null, null, false);
    useEngine(settingsWith(off));
    DefaultMcpClient.Builder disabled = builder(streamableTransport());
    DefaultMcpClient.Builder elsewhere =
        builder(StreamableHttpMcpTransport.builder().url(server.url("/other/mcp")).build());

    L4jHooks.clientCreating(disabled);
    L4jHooks.clientCreating(elsewhere);

    assertNull(healthCheckOf(disabled));
    assertEquals(Boolean.FALSE, healthCheckOf(elsewhere), "the entry matches its URL only");
  }

  @Test
  void theHealthCheckIsLeftAloneWithoutAnEngine() throws Exception {
    AgentRuntime.setEngine(null);
    DefaultMcpClient.Builder builder = builder(streamableTransport());

    L4jHooks.clientCreating(builder);

    assertNull(healthCheckOf(builder));
  }

  @Test
  void theHealthCheckOfAnotherTransportIsLeftAlone() throws Exception {
    DefaultMcpClient.Builder builder = builder(stdioTransport());

    L4jHooks.clientCreating(builder);

    assertNull(healthCheckOf(builder));
  }

  @Test
  void theLibraryRunsNoHealthCheckOfItsOwnOnceTheHookTurnedItOff() throws Exception {
    DefaultMcpClient quiet = streamableClient();
    DefaultMcpClient configured = built(builder(streamableTransport()).autoHealthCheck(true));

    Connection q = discovered(quiet);
    Connection c = discovered(configured);

    assertNull(L4jRefs.CLIENT_HEALTH_CHECKER.get(quiet));
    assertNotNull(L4jRefs.CLIENT_HEALTH_CHECKER.get(configured));
    List<String> info = logged(Log.Level.INFO);
    String off = ": the library's own health check is off (the agent's idle pings replace it)";
    assertTrue(info.contains(q.id() + off), info::toString);
    String kept = ": the library's own health check stays as the application configured it";
    assertTrue(info.stream().anyMatch(l -> l.startsWith(c.id() + kept)), info::toString);
  }

  // ------------------------------------------------------------------ clientCreated

  @Test
  void aStreamableHttpClientIsRegisteredAsStreamableWithItsUrlWithoutTheQuery() {
    Connection c = connected(streamableClient());

    assertEquals("streamable", c.transport());
    assertEquals(server.url("/mcp"), c.url());
    assertEquals(LIBRARY, c.library());
    assertEquals(L4jDriver.Kind.STREAMABLE, driverOf(c).kind);
    assertTrue(log.stream().noneMatch(l -> l.contains("SECRET")), log::toString);
  }

  @Test
  void anSseClientIsRegisteredAsSseWithItsUrlWithoutTheQuery() {
    Connection c = connected(sseClient());

    assertEquals("sse", c.transport());
    assertEquals(server.url("/sse"), c.url());
    assertEquals(LIBRARY, c.library());
    assertEquals(L4jDriver.Kind.SSE, driverOf(c).kind);
    assertTrue(log.stream().noneMatch(l -> l.contains("SECRET")), log::toString);
  }

  @Test
  void theTransportFindsTheClientsConnection() throws Exception {
    DefaultMcpClient streamable = streamableClient();
    DefaultMcpClient sse = sseClient();

    Connection s = discovered(streamable);
    Connection l = discovered(sse);

    assertSame(s, engine.find(transportOf(streamable)));
    assertSame(l, engine.find(transportOf(sse)));
  }

  @Test
  void aClientSeenTwiceIsRegisteredOnce() {
    DefaultMcpClient client = streamableClient();

    L4jHooks.clientCreated(client);
    L4jHooks.clientCreated(client);

    assertEquals(1, engine.connections().size());
    long discoveries =
        logged(Log.Level.INFO).stream().filter(l -> l.startsWith("discovered ")).count();
    assertEquals(1, discoveries, log::toString);
  }

  @Test
  void aClientTheConfigurationDisablesIsNotRegistered() {
    useEngine(settingsWith(new ServerEntry("off", server.url("/mcp"), null, null, false)));
    DefaultMcpClient client = streamableClient();

    L4jHooks.clientCreated(client);

    assertNull(engine.find(client));
    assertTrue(engine.connections().isEmpty(), () -> engine.connections().toString());
  }

  @Test
  void aClientOfAnotherTransportIsLeftAloneWithOneInfoLine() {
    DefaultMcpClient first = built(builder(stdioTransport()));
    DefaultMcpClient second = built(builder(stdioTransport()));

    L4jHooks.clientCreated(first);
    L4jHooks.clientCreated(first);
    L4jHooks.clientCreated(second);

    assertTrue(engine.connections().isEmpty(), () -> engine.connections().toString());
    List<String> leftAlone =
        log.stream()
            .filter(l -> l.contains(StdioMcpTransport.class.getName() + " left alone"))
            .collect(Collectors.toList());
    assertEquals(1, leftAlone.size(), log::toString);
    assertTrue(leftAlone.get(0).contains(" INFO "), leftAlone.get(0));
  }

  @Test
  void aClientIsNotRegisteredWhereTheLibraryIsNotDecidedForItsClassLoader() throws Exception {
    try (IsolatedLibrary library = new IsolatedLibrary()) {
      Object client = library.streamableClient(server.url("/mcp"));

      L4jHooks.clientCreated(client);

      assertNull(engine.find(client));
      assertTrue(engine.connections().isEmpty(), () -> engine.connections().toString());

      // the control: decided for that loader, the same client is registered
      assertNotNull(Langchain4jInstrumentation.INSTANCE.moduleFor(library.loader));
      L4jHooks.clientCreated(client);
      assertNotNull(engine.find(client));
    }
  }

  // ------------------------------------------------------------------ clientClosed

  @Test
  void closingAClientClosesItsConnectionAndItsDriver() throws Exception {
    DefaultMcpClient client = streamableClient();
    Connection c = connected(client);
    L4jDriver driver = driverOf(c);
    assertTrue(driver.isAlive());

    L4jHooks.clientClosed(client);
    scheduler.runDue();

    assertEquals(ConnectionState.CLOSED, c.state());
    assertTrue(driver.closed);
    assertFalse(driver.isAlive());
    assertNull(engine.find(client), "a closed connection is forgotten");
    assertNull(engine.find(transportOf(client)), "by its transport too");
  }

  @Test
  void closingAnUnmanagedClientChangesNothing() {
    Connection managed = connected(streamableClient());
    DefaultMcpClient unmanaged = streamableClient();

    L4jHooks.clientClosed(unmanaged);
    scheduler.runDue();

    assertEquals(ConnectionState.CONNECTED, managed.state());
    assertEquals(1, engine.connections().size());
  }

  // ------------------------------------------------------------------ libraryReconnect

  @Test
  void theLibrarysReconnectOfAManagedClientIsSkippedAndTheAgentChecksTheSession() {
    DefaultMcpClient client = streamableClient();
    Connection c = connected(client);

    assertTrue(L4jHooks.libraryReconnect(client));
    scheduler.runDue();

    assertEquals(1, c.pingsSent(), "the agent checks the session with a ping");
  }

  @Test
  void theLibrarysReconnectOfAnUnmanagedClientGoesAhead() {
    Connection managed = connected(streamableClient());
    DefaultMcpClient unmanaged = streamableClient();

    assertFalse(L4jHooks.libraryReconnect(unmanaged));
    scheduler.runDue();

    assertEquals(0, managed.pingsSent());
    assertNull(engine.find(unmanaged));
  }

  // ------------------------------------------------------------------ helpers

  private static Object healthCheckOf(DefaultMcpClient.Builder builder)
      throws ReflectiveOperationException {
    return L4jRefs.BUILDER_HEALTH_CHECK.get(builder);
  }

  private static Settings settingsWith(ServerEntry entry) {
    Settings d = Settings.defaults();
    return new Settings(
        d.enabled,
        d.intervalNanos,
        d.pingTimeoutNanos,
        d.failureThreshold,
        d.backoffInitialNanos,
        d.backoffMaxNanos,
        d.jitter,
        Settings.DEFAULT_BACKOFF_JITTER,
        d.logLevel,
        List.of(entry));
  }

  /**
   * A transport the agent does not support, of a real MCP server over standard input and output: a
   * shell that answers the initialize request (id 0), then reads whatever comes until it is closed.
   */
  private static McpTransport stdioTransport() {
    String initialized = "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{}}";
    String server = "read request; echo '" + initialized + "'; exec cat > /dev/null";
    return StdioMcpTransport.builder().command(List.of("sh", "-c", server)).build();
  }

  /**
   * langchain4j-mcp's classes defined a second time, by a class loader of their own for which the
   * agent has decided nothing (as in an application server, where each application has its own).
   */
  private static final class IsolatedLibrary implements AutoCloseable {

    final URLClassLoader loader;
    private final List<Object> clients = new ArrayList<>();

    IsolatedLibrary() {
      URL[] jars = {DefaultMcpClient.class.getProtectionDomain().getCodeSource().getLocation()};
      loader = new LibraryFirstLoader(jars, IsolatedLibrary.class.getClassLoader());
    }

    /**
     * {@code DefaultMcpClient.builder().transport(StreamableHttpMcpTransport.builder().url(url)
     * .build()).build()}, with the loader's classes: it connects and initializes.
     */
    Object streamableClient(String url) throws ReflectiveOperationException {
      Class<?> transportClass = loader.loadClass(L4jRefs.STREAMABLE_TRANSPORT);
      Object transportBuilder = transportClass.getMethod("builder").invoke(null);
      transportBuilder.getClass().getMethod("url", String.class).invoke(transportBuilder, url);
      Object transport = transportBuilder.getClass().getMethod("build").invoke(transportBuilder);
      Class<?> transportType = loader.loadClass(McpTransport.class.getName());
      Object builder = loader.loadClass(L4jRefs.CLIENT).getMethod("builder").invoke(null);
      builder.getClass().getMethod("transport", transportType).invoke(builder, transport);
      Object client = builder.getClass().getMethod("build").invoke(builder);
      clients.add(client);
      return client;
    }

    @Override
    public void close() throws IOException, ReflectiveOperationException {
      for (Object client : clients) {
        client.getClass().getMethod("close").invoke(client);
      }
      loader.close();
    }
  }

  /** Defines langchain4j-mcp's own classes itself; the rest comes from its parent. */
  private static final class LibraryFirstLoader extends URLClassLoader {

    LibraryFirstLoader(URL[] urls, ClassLoader parent) {
      super(urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("dev.langchain4j.mcp.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }
}
