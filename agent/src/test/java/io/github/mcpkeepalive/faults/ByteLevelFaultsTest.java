package io.github.mcpkeepalive.faults;

import static io.github.mcpkeepalive.faults.FaultTests.idOf;
import static io.github.mcpkeepalive.faults.FaultTests.trace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.FailureClassifier;
import io.github.mcpkeepalive.core.FailureKind;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults at the byte level, served by OkHttp's MockWebServer to the real MCP Java SDK 2.1
 * Streamable HTTP client (java.net.http): the failure the application's call meets is what the
 * agent classifies, and each must be classified as what it is, never as a request that provably did
 * not reach the server (only those go out again). The session is initialized normally first; then
 * the tool call meets the fault.
 */
class ByteLevelFaultsTest {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final String SESSION = "s-1";

  private MockWebServer server;
  private McpSyncClient client;
  private final AtomicInteger toolCalls = new AtomicInteger();

  /** How the server answers the tool call; everything else is answered as a server would. */
  private volatile Function<String, MockResponse> toolCall;

  @BeforeEach
  void startServer() throws Exception {
    server = new MockWebServer();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return answer(request);
          }
        });
    server.start();
    client =
        McpClient.sync(
                HttpClientStreamableHttpTransport.builder(server.url("/").toString())
                    .endpoint("/mcp")
                    .build())
            .requestTimeout(REQUEST_TIMEOUT)
            .initializationTimeout(REQUEST_TIMEOUT)
            .build();
    client.initialize();
  }

  @AfterEach
  void stop() throws Exception {
    client.closeGracefully();
    server.shutdown();
  }

  @Test
  void aJsonAnswerCutInsideAChunkIsAPeerClosedStream() {
    toolCall =
        id ->
            new MockResponse()
                .setHeader("Content-Type", "application/json")
                .setChunkedBody(result(id), 16)
                .setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY);

    Throwable failure = callFails();

    assertEquals(
        FailureKind.PEER_CLOSED, FailureClassifier.classify(failure, true), trace(failure));
    assertFalse(FailureClassifier.neverSent(failure), "it reached the server: never sent again");
    assertEquals(1, toolCalls.get());
  }

  @Test
  void anEventStreamCutHalfWayThroughAnEventIsAPeerClosedStream() {
    toolCall =
        id ->
            new MockResponse()
                .setHeader("Content-Type", "text/event-stream")
                .setChunkedBody("id: 1\nevent: message\ndata: " + result(id) + "\n\n", 24)
                .setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY);

    Throwable failure = callFails();

    assertEquals(
        FailureKind.PEER_CLOSED, FailureClassifier.classify(failure, true), trace(failure));
    assertFalse(FailureClassifier.neverSent(failure));
    assertEquals(1, toolCalls.get());
  }

  @Test
  void anAnswerThatDripsOneByteASecondIsATimeout() {
    toolCall =
        id ->
            new MockResponse()
                .setHeader("Content-Type", "application/json")
                .setBody(result(id))
                .throttleBody(1, 1, TimeUnit.SECONDS);

    Throwable failure = callFails();

    assertEquals(FailureKind.TIMEOUT, FailureClassifier.classify(failure, true), trace(failure));
    assertFalse(FailureClassifier.neverSent(failure));
    assertEquals(1, toolCalls.get());
  }

  @Test
  void aConnectionClosedBeforeAnyAnswerIsAPeerClosedStream() {
    toolCall = id -> new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST);

    Throwable failure = callFails();

    assertEquals(
        FailureKind.PEER_CLOSED, FailureClassifier.classify(failure, true), trace(failure));
    assertFalse(FailureClassifier.neverSent(failure), "the request was written: never sent again");
  }

  /**
   * langchain4j's legacy SSE transport reads its stream with OkHttp's EventSource: a stream cut
   * half way through an event reaches its listener as a failure of the same kind.
   */
  @Test
  void anOkHttpEventStreamCutHalfWayThroughAnEventIsAPeerClosedStream() throws Exception {
    MockWebServer sse = new MockWebServer();
    sse.enqueue(
        new MockResponse()
            .setHeader("Content-Type", "text/event-stream")
            .setChunkedBody(
                "event: endpoint\ndata: /message?sessionId=1\n\nevent: message\ndata: {\"js", 20)
            .setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY));
    sse.start();
    OkHttpClient http = new OkHttpClient();
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    try {
      EventSources.createFactory(http)
          .newEventSource(
              new Request.Builder().url(sse.url("/sse")).build(),
              new EventSourceListener() {
                @Override
                public void onFailure(EventSource source, Throwable t, Response response) {
                  failed.complete(t);
                }

                @Override
                public void onClosed(EventSource source) {
                  failed.complete(null);
                }
              });
      Throwable failure = failed.get(10, TimeUnit.SECONDS);

      assertNotNull(failure, "a cut inside an event is no clean end");
      assertEquals(
          FailureKind.PEER_CLOSED, FailureClassifier.classify(failure, true), trace(failure));
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
      sse.shutdown();
    }
  }

  /**
   * A 503 (with Retry-After, as a proxy answers while the server restarts) says the request was not
   * processed: the failure the call meets is one the agent sends again after its reconnect.
   */
  @Test
  void a503WithRetryAfterIsARequestTheServerDidNotProcess() {
    toolCall =
        id -> new MockResponse().setResponseCode(503).setHeader("Retry-After", "1").setBody("busy");

    Throwable failure = callFails();

    assertTrue(FailureClassifier.notProcessed(failure), trace(failure));
    assertEquals(1, toolCalls.get(), "the SDK alone does not send it again");
  }

  /** A 500 may come from a server that processed the request: it is never sent again. */
  @Test
  void a500IsARequestThatMayHaveBeenProcessed() {
    toolCall = id -> new MockResponse().setResponseCode(500).setBody("status 503 upstream");

    Throwable failure = callFails();

    assertFalse(FailureClassifier.notProcessed(failure), trace(failure));
  }

  private Throwable callFails() {
    return assertThrows(
        Throwable.class,
        () ->
            client.callTool(
                McpSchema.CallToolRequest.builder("echo").arguments(Map.of("text", "hi")).build()));
  }

  private MockResponse answer(RecordedRequest request) {
    String body = request.getBody().readUtf8();
    if (request.getMethod().equals("GET")) {
      return new MockResponse().setResponseCode(405); // no notification stream
    }
    if (body.contains("\"method\":\"initialize\"")) {
      return new MockResponse()
          .setHeader("Content-Type", "application/json")
          .setHeader("Mcp-Session-Id", SESSION)
          .setBody(
              "{\"jsonrpc\":\"2.0\",\"id\":"
                  + idOf(body)
                  + ",\"result\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},"
                  + "\"serverInfo\":{\"name\":\"faults\",\"version\":\"1\"}}}");
    }
    if (!body.contains("\"id\"")) {
      return new MockResponse().setResponseCode(202); // a notification
    }
    if (body.contains("\"method\":\"tools/call\"")) {
      toolCalls.incrementAndGet();
      return toolCall.apply(idOf(body));
    }
    return new MockResponse()
        .setHeader("Content-Type", "application/json")
        .setBody(result(idOf(body)));
  }

  private static String result(String id) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"isError\":false}}";
  }
}
