package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An MCP server as small as the langchain4j tests need, on the JDK's own HTTP server: Streamable
 * HTTP on {@code /mcp}, legacy HTTP+SSE on {@code /sse} (the stream) and {@code /message} (the
 * requests, answered on the stream). It answers {@code initialize} with a new session each time,
 * notifications with 202 and every other request with an empty result, unless the test scripted the
 * answer ({@link #answerNext}); it records every request it receives.
 *
 * <p>Not OkHttp's MockWebServer: a legacy SSE client needs the answer to its {@code initialize} on
 * a stream that was opened before the request was sent, and MockWebServer 4 writes a response body
 * it was given in advance.
 */
final class McpTestServer implements AutoCloseable {

  /** How the server answers a request that is not an initialization nor a notification. */
  enum Answer {
    /** An empty result (Streamable HTTP: in the response; legacy SSE: on the stream). */
    RESULT(200),
    /** HTTP 400, as servers answer a session id they do not know. */
    BAD_REQUEST(400),
    /** HTTP 404, as the MCP specification answers a session the server ended. */
    NOT_FOUND(404),
    /** HTTP 500. */
    SERVER_ERROR(500),
    /** The connection closed before any answer, as a proxy that cut it. */
    CUT(0),
    /** No answer until the server stops. */
    HOLD(0);

    final int status;

    Answer(int status) {
      this.status = status;
    }
  }

  /** A request as the server received it. */
  record Received(String httpMethod, String path, String sessionHeader, JsonNode body) {

    /** The JSON-RPC method, or null. */
    String rpcMethod() {
      return body != null && body.has("method") ? body.get("method").asText() : null;
    }

    /** The JSON-RPC id, or null (a notification). */
    Long id() {
      JsonNode id = body == null ? null : body.get("id");
      return id == null || id.isNull() ? null : id.asLong();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INITIALIZE_RESULT =
      "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},"
          + "\"serverInfo\":{\"name\":\"mcp-test-server\",\"version\":\"1\"}}";

  private final HttpServer http;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "mcp-test-server");
            t.setDaemon(true);
            return t;
          });
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
  private final AtomicInteger sessions = new AtomicInteger();
  private final Map<String, OutputStream> streams = new ConcurrentHashMap<>();
  private final Map<String, Queue<CountDownLatch>> holds = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private volatile boolean sessionIds = true;

  McpTestServer() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.setExecutor(threads);
    http.createContext("/mcp", this::streamable);
    http.createContext("/sse", this::openStream);
    http.createContext("/message", this::sseMessage);
    http.start();
  }

  /** The absolute URL of {@code pathAndQuery} on this server. */
  String url(String pathAndQuery) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + pathAndQuery;
  }

  /** From now on, Streamable HTTP sessions get no session id (the specification allows that). */
  void withoutSessionIds() {
    sessionIds = false;
  }

  /** The next requests that are neither initializations nor notifications get these answers. */
  void answerNext(Answer... answers) {
    script.addAll(List.of(answers));
  }

  /**
   * The next Streamable HTTP request whose JSON-RPC method is {@code rpcMethod} is answered (as
   * usual, or as scripted) only once the latch returned is counted down, or the server stops.
   */
  CountDownLatch holdNext(String rpcMethod) {
    CountDownLatch gate = new CountDownLatch(1);
    holds.computeIfAbsent(rpcMethod, k -> new ConcurrentLinkedQueue<>()).add(gate);
    return gate;
  }

  /** How many requests with the JSON-RPC method {@code rpcMethod} the server received so far. */
  int received(String rpcMethod) {
    AtomicInteger n = counts.get(rpcMethod);
    return n == null ? 0 : n.get();
  }

  /** The next request received, waited for {@code deadline} at most. */
  Received takeRequest(Duration deadline) throws InterruptedException {
    Received r = received.poll(deadline.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) {
      throw new AssertionError("no request reached the server within " + deadline);
    }
    return r;
  }

  /** The next request received whose JSON-RPC method is {@code rpcMethod}; others are skipped. */
  Received takeRequest(String rpcMethod, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      Received r = takeRequest(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
      if (rpcMethod.equals(r.rpcMethod())) {
        return r;
      }
    }
  }

  /**
   * As after a restart: the legacy SSE streams end and their sessions are forgotten (a request to
   * their message endpoint is answered 404).
   */
  void forgetSessions() {
    for (String session : List.copyOf(streams.keySet())) {
      closeQuietly(streams.remove(session));
    }
  }

  /** How many sessions the server started (initialize requests and SSE streams). */
  int sessionsStarted() {
    return sessions.get();
  }

  @Override
  public void close() {
    http.stop(0);
    streams.values().forEach(McpTestServer::closeQuietly);
    threads.shutdownNow();
  }

  // ------------------------------------------------------------------ Streamable HTTP

  private void streamable(HttpExchange exchange) throws IOException {
    Received r = receive(exchange);
    Queue<CountDownLatch> held = r.rpcMethod() == null ? null : holds.get(r.rpcMethod());
    CountDownLatch gate = held == null ? null : held.poll();
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException stopped) {
        Thread.currentThread().interrupt();
        exchange.close();
        return;
      }
    }
    if ("initialize".equals(r.rpcMethod())) {
      int session = sessions.incrementAndGet();
      if (sessionIds) {
        exchange.getResponseHeaders().add("Mcp-Session-Id", "s-" + session);
      }
      respond(exchange, 200, result(r.id(), INITIALIZE_RESULT));
    } else if (r.id() == null) {
      respond(exchange, 202, null);
    } else {
      Answer a = nextAnswer();
      if (a == Answer.RESULT) {
        respond(exchange, 200, result(r.id(), "{}"));
      } else {
        fail(exchange, a);
      }
    }
  }

  // ------------------------------------------------------------------ legacy HTTP+SSE

  private void openStream(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().toString();
    received.add(new Received(exchange.getRequestMethod(), path, null, null));
    String session = "sse-" + sessions.incrementAndGet();
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    OutputStream stream = exchange.getResponseBody();
    streams.put(session, stream);
    event(stream, "endpoint", "/message?sessionId=" + session);
  }

  private void sseMessage(HttpExchange exchange) throws IOException {
    Received r = receive(exchange);
    String query = exchange.getRequestURI().getQuery();
    OutputStream stream = query == null ? null : streams.get(query.replace("sessionId=", ""));
    if (stream == null) {
      respond(exchange, 404, "{\"error\":\"unknown session\"}");
      return;
    }
    boolean initialize = "initialize".equals(r.rpcMethod());
    Answer a = initialize || r.id() == null ? Answer.RESULT : nextAnswer();
    if (a != Answer.RESULT) {
      fail(exchange, a);
      return;
    }
    respond(exchange, 202, null);
    if (r.id() != null) {
      event(stream, "message", result(r.id(), initialize ? INITIALIZE_RESULT : "{}"));
    }
  }

  // ------------------------------------------------------------------ helpers

  private Received receive(HttpExchange exchange) throws IOException {
    byte[] bytes = exchange.getRequestBody().readAllBytes();
    JsonNode body = bytes.length == 0 ? null : JSON.readTree(bytes);
    String session = exchange.getRequestHeaders().getFirst("Mcp-Session-Id");
    Received r =
        new Received(
            exchange.getRequestMethod(), exchange.getRequestURI().toString(), session, body);
    if (r.rpcMethod() != null) {
      counts.computeIfAbsent(r.rpcMethod(), k -> new AtomicInteger()).incrementAndGet();
    }
    received.add(r);
    return r;
  }

  private Answer nextAnswer() {
    Answer a = script.poll();
    return a == null ? Answer.RESULT : a;
  }

  private static void fail(HttpExchange exchange, Answer a) throws IOException {
    switch (a) {
      case CUT:
        exchange.close(); // before any response header: the connection itself is closed
        break;
      case HOLD:
        break; // the exchange stays open, unanswered, until the server stops
      default:
        respond(exchange, a.status, "{\"error\":\"scripted " + a + "\"}");
    }
  }

  private static String result(Long id, String result) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}";
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    if (json == null) {
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
      return;
    }
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void event(OutputStream stream, String type, String data) throws IOException {
    byte[] bytes = ("event: " + type + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    synchronized (stream) {
      stream.write(bytes);
      stream.flush();
    }
  }

  private static void closeQuietly(OutputStream stream) {
    try {
      synchronized (stream) {
        stream.close();
      }
    } catch (IOException ignored) {
      // the client is gone already
    }
  }
}
