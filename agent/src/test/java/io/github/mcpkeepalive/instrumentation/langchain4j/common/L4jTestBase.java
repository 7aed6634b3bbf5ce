package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpCallContext;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.HttpMcpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.mcp.protocol.McpClientMessage;
import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.instrumentation.InstrumentationModule;
import io.github.mcpkeepalive.instrumentation.ManualScheduler;
import io.github.mcpkeepalive.instrumentation.langchain4j.Langchain4jInstrumentation;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.McpTestServer.Answer;
import io.github.mcpkeepalive.instrumentation.langchain4j.v1_11.L4j111Module;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the langchain4j hook and driver tests share: the real langchain4j-mcp 1.11.0-beta19 of the
 * test class path, decided for the test's class loader as the agent decides it before weaving; an
 * engine on a clock and scheduler that the test moves; the agent's log lines; a small MCP server
 * ({@link McpTestServer}) that the real clients connect to and initialize with, as their
 * constructor requires.
 */
abstract class L4jTestBase {

  /** How the agent labels the library of the test class path. */
  static final String LIBRARY = "langchain4j-mcp 1.11.0-beta19";

  /** How long a test waits for an answer of the local server, at most. */
  static final Duration DEADLINE = Duration.ofSeconds(10);

  final ManualScheduler scheduler = new ManualScheduler();
  final List<String> log = new CopyOnWriteArrayList<>();
  KeepaliveEngine engine;
  McpTestServer server;
  private final List<DefaultMcpClient> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void startEngineAndServer() throws IOException {
    InstrumentationModule decided =
        Langchain4jInstrumentation.INSTANCE.moduleFor(getClass().getClassLoader());
    assertInstanceOf(L4j111Module.class, decided, "langchain4j-mcp 1.11.0-beta19 is in 1.11");
    Log.setSink(log::add);
    Log.setLevel(Log.Level.INFO);
    useEngine(Settings.defaults());
    server = new McpTestServer();
  }

  @AfterEach
  void stopEngineAndServer() {
    AgentRuntime.setEngine(null);
    clients.forEach(DefaultMcpClient::close);
    server.close();
    Log.setSink(null);
    Log.setLevel(Log.Level.INFO);
  }

  /** A new engine with {@code settings}, on the test's scheduler, the one the hooks see. */
  void useEngine(Settings settings) {
    engine = new KeepaliveEngine(settings, scheduler, scheduler, () -> 0.5);
    AgentRuntime.setEngine(engine);
  }

  /** A Streamable HTTP transport of the server; its URL carries a query never to be shown. */
  StreamableHttpMcpTransport streamableTransport() {
    return StreamableHttpMcpTransport.builder().url(server.url("/mcp?token=SECRET")).build();
  }

  /** A legacy HTTP+SSE transport of the server; its URL carries a query never to be shown. */
  @SuppressWarnings("removal") // deprecated for removal by langchain4j, and still supported
  McpTransport sseTransport() {
    return HttpMcpTransport.builder().sseUrl(server.url("/sse?token=SECRET")).build();
  }

  /** A client builder for {@code transport}, with nothing else configured. */
  static DefaultMcpClient.Builder builder(McpTransport transport) {
    return DefaultMcpClient.builder().transport(transport).initializationTimeout(DEADLINE);
  }

  /**
   * The client of {@code builder}, built as the woven constructor builds it: the hook sees the
   * builder first, then the constructor connects and initializes. Not discovered yet; closed after
   * the test.
   */
  DefaultMcpClient built(DefaultMcpClient.Builder builder) {
    L4jHooks.clientCreating(builder);
    return track(builder.build());
  }

  DefaultMcpClient streamableClient() {
    return built(builder(streamableTransport()));
  }

  DefaultMcpClient sseClient() {
    return built(builder(sseTransport()));
  }

  /** Closes {@code client} after the test. */
  DefaultMcpClient track(DefaultMcpClient client) {
    clients.add(client);
    return client;
  }

  /** {@code client} constructed: the woven constructor calls the hook, the test calls it here. */
  Connection discovered(DefaultMcpClient client) {
    L4jHooks.clientCreated(client);
    Connection c = engine.find(client);
    assertNotNull(c, "registered");
    return c;
  }

  /** {@code client} discovered, and CONNECTED: its constructor initialized it. */
  Connection connected(DefaultMcpClient client) {
    Connection c = discovered(client);
    scheduler.runDue();
    assertEquals(ConnectionState.CONNECTED, c.state());
    return c;
  }

  static L4jDriver driverOf(Connection c) {
    return assertInstanceOf(L4jDriver.class, c.driver());
  }

  static Object transportOf(DefaultMcpClient client) throws ReflectiveOperationException {
    return L4jRefs.CLIENT_TRANSPORT.get(client);
  }

  /** A request of the application as the client hands it to its transport. */
  static McpCallContext context(McpClientMessage message) {
    return new McpCallContext(null, message);
  }

  /** What the JDK's HTTP client hands a response handler for the server's {@code answer}. */
  HttpResponse.ResponseInfo responseInfo(Answer answer) throws Exception {
    server.answerNext(answer);
    AtomicReference<HttpResponse.ResponseInfo> seen = new AtomicReference<>();
    String body = "{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"tools/list\"}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url("/mcp")))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    http.send(
        request,
        info -> {
          seen.set(info);
          return HttpResponse.BodySubscribers.discarding();
        });
    assertEquals(answer.status, seen.get().statusCode());
    return seen.get();
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
