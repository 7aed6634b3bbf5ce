package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.instrumentation.mcpsdk.McpSdkInstrumentation;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapperSupplier;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * How the hooks find SDK clients and let them go: asyncClientCreated, asyncClientUsed,
 * syncClientCreated, clientClosed.
 */
class SdkHooksDiscoveryTest extends SdkTestBase {

  @Test
  void anSseClientIsRegisteredAsSseWithItsUrlWithoutTheQuery() {
    Connection c = discovered(sseClient());

    assertEquals("sse", c.transport());
    assertEquals(NOWHERE + "/sse", c.url());
    assertEquals("mcp-java-sdk 2.1.0", c.library());
    assertEquals(SdkTransport.Kind.SSE, driverOf(c).kind());
    assertTrue(log.stream().noneMatch(l -> l.contains("SECRET")), log::toString);
  }

  @Test
  void aStreamableHttpClientIsRegisteredAsStreamableWithItsUrlWithoutTheQuery() {
    Connection c = discovered(streamableClient());

    assertEquals("streamable", c.transport());
    assertEquals(NOWHERE + "/mcp", c.url());
    assertEquals("mcp-java-sdk 2.1.0", c.library());
    assertEquals(SdkTransport.Kind.STREAMABLE, driverOf(c).kind());
    assertTrue(log.stream().noneMatch(l -> l.contains("SECRET")), log::toString);
  }

  @Test
  void theTransportAndTheInitializerFindTheClientsConnection() throws Exception {
    McpAsyncClient client = streamableClient();
    Connection c = discovered(client);

    assertSame(c, engine.find(transportOf(client)));
    assertSame(c, engine.find(initializerOf(client)));
  }

  @Test
  void aClientSeenTwiceIsRegisteredOnce() {
    McpAsyncClient client = sseClient();
    SdkHooks.asyncClientCreated(client);
    SdkHooks.asyncClientCreated(client);

    assertEquals(1, engine.connections().size());
    long discoveries =
        logged(Log.Level.INFO).stream().filter(l -> l.startsWith("discovered ")).count();
    assertEquals(1, discoveries, log::toString);
  }

  @Test
  void aClientOfAnotherTransportIsLeftAloneWithOneInfoLine() {
    McpAsyncClient first = client(stdioTransport());
    McpAsyncClient second = client(stdioTransport());

    SdkHooks.asyncClientCreated(first);
    SdkHooks.asyncClientCreated(first);
    SdkHooks.asyncClientCreated(second);
    SdkHooks.asyncClientUsed(first);

    assertTrue(engine.connections().isEmpty(), () -> engine.connections().toString());
    List<String> leftAlone =
        log.stream()
            .filter(l -> l.contains("StdioClientTransport left alone"))
            .collect(Collectors.toList());
    assertEquals(1, leftAlone.size(), log::toString);
    assertTrue(leftAlone.get(0).contains(" INFO "), leftAlone.get(0));
  }

  @Test
  void aClientIsNotRegisteredWhereTheLibraryIsNotDecidedForItsClassLoader() throws Exception {
    try (IsolatedSdk sdk = new IsolatedSdk()) {
      Object client = sdk.streamableClient(NOWHERE);

      SdkHooks.asyncClientCreated(client);
      SdkHooks.asyncClientUsed(client);

      assertNull(engine.find(client));
      assertTrue(engine.connections().isEmpty(), () -> engine.connections().toString());

      // the control: decided for that loader, the same client is registered
      assertNotNull(McpSdkInstrumentation.INSTANCE.moduleFor(sdk.loader));
      SdkHooks.asyncClientCreated(client);
      assertNotNull(engine.find(client));
    }
  }

  @Test
  void aClientFirstSeenInUseIsRegisteredAndNotProbedBeforeTheApplicationInitializesIt() {
    McpAsyncClient client = streamableClient();

    SdkHooks.asyncClientUsed(client);
    scheduler.runDue();

    Connection c = engine.find(client);
    assertNotNull(c);
    assertEquals(ConnectionState.NEW, c.state());
    assertEquals(0, c.pingsSent());
  }

  @Test
  void theSyncWrapperFindsTheConnectionOfItsAsyncClient() throws Exception {
    McpSyncClient sync = McpClient.sync(streamableTransport()).build();
    Object delegate = SdkRefs.SYNC_DELEGATE.get(sync);
    track((McpAsyncClient) delegate);
    Connection c = discovered((McpAsyncClient) delegate);

    SdkHooks.syncClientCreated(sync, delegate);

    assertSame(c, engine.find(sync));
  }

  @Test
  void closingAClientClosesItsConnectionAndItsDriver() {
    McpAsyncClient client = sseClient();
    Connection c = connected(client);
    SdkDriver driver = driverOf(c);
    assertTrue(driver.isAlive());

    SdkHooks.clientClosed(client);
    scheduler.runDue();

    assertEquals(ConnectionState.CLOSED, c.state());
    assertTrue(driver.closed);
    assertFalse(driver.isAlive());
    assertNull(engine.find(client), "a closed connection is forgotten");
  }

  /** A transport the agent does not support; its server process is never started. */
  private static StdioClientTransport stdioTransport() {
    ServerParameters command = ServerParameters.builder("never-started-mcp-server").build();
    return new StdioClientTransport(command, McpJsonDefaults.getMapper());
  }

  /**
   * The SDK's classes defined a second time, by a class loader of their own for which the agent has
   * decided nothing (as in an application server, where each application has its own SDK).
   */
  private static final class IsolatedSdk implements AutoCloseable {

    final URLClassLoader loader;
    private final List<Object> clients = new ArrayList<>();

    IsolatedSdk() {
      URL[] jars = {jarOf(McpAsyncClient.class), jarOf(JacksonMcpJsonMapperSupplier.class)};
      loader = new SdkFirstLoader(jars, IsolatedSdk.class.getClassLoader());
    }

    /**
     * {@code McpClient.async(HttpClientStreamableHttpTransport.builder(url).build()).build()}, with
     * the loader's classes.
     */
    Object streamableClient(String url) throws ReflectiveOperationException {
      Thread thread = Thread.currentThread();
      ClassLoader before = thread.getContextClassLoader();
      thread.setContextClassLoader(loader); // the SDK finds its JSON mapper with ServiceLoader
      try {
        Class<?> transportClass = loader.loadClass(SdkRefs.STREAMABLE_TRANSPORT);
        Object builder = transportClass.getMethod("builder", String.class).invoke(null, url);
        Object transport = builder.getClass().getMethod("build").invoke(builder);
        Class<?> transportType =
            loader.loadClass("io.modelcontextprotocol.spec.McpClientTransport");
        Class<?> mcpClient = loader.loadClass("io.modelcontextprotocol.client.McpClient");
        Object spec = mcpClient.getMethod("async", transportType).invoke(null, transport);
        Object client = spec.getClass().getMethod("build").invoke(spec);
        clients.add(client);
        return client;
      } finally {
        thread.setContextClassLoader(before);
      }
    }

    @Override
    public void close() throws IOException, ReflectiveOperationException {
      for (Object client : clients) {
        client.getClass().getMethod("close").invoke(client);
      }
      loader.close();
    }

    private static URL jarOf(Class<?> type) {
      return type.getProtectionDomain().getCodeSource().getLocation();
    }
  }

  /** Defines the SDK's own classes itself; Reactor, SLF4J and Jackson come from its parent. */
  private static final class SdkFirstLoader extends URLClassLoader {

    SdkFirstLoader(URL[] urls, ClassLoader parent) {
      super(urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("io.modelcontextprotocol.")) {
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
