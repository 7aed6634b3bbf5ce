package io.github.mcpkeepalive.sample;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real MCP server built from the MCP Java SDK's servlet transports in embedded Jetty: legacy
 * HTTP+SSE at {@code /sse} (+ {@code /message}) and Streamable HTTP at {@code /mcp}, with a few
 * tools and a periodic server notification. It can be restarted on the same port (all sessions
 * lost), require a bearer token, and reject every request with 401 (revoked credentials).
 */
// SDK 2.1 deprecates the legacy HTTP+SSE transport (still what many servers speak) and the tool
// builders this server uses
@SuppressWarnings("deprecation")
public final class DemoServer implements AutoCloseable {

  private final int port;
  private final String requiredToken;
  private final long notifyEveryMillis;
  private final AtomicInteger starts = new AtomicInteger();
  private final AtomicInteger toolCalls = new AtomicInteger();
  private final AtomicInteger getStreamsOpened = new AtomicInteger();
  private final Set<AsyncContext> openGetStreams = ConcurrentHashMap.newKeySet();
  private volatile boolean rejectAll;
  private volatile boolean unknownSessionAs400;
  private volatile boolean sendGetStreamHeadersAtOnce;
  private volatile BiConsumer<String, String> requestListener;
  private Server jetty;
  private McpSyncServer sseServer;
  private McpSyncServer streamableServer;
  private ScheduledExecutorService notifier;

  /**
   * @param port the port to listen on (0: any free port, fixed after the first start)
   * @param requiredToken bearer token every request must carry, or null
   * @param notifyEveryMillis period of the server notification; 0 for none
   */
  public DemoServer(int port, String requiredToken, long notifyEveryMillis) throws Exception {
    this.requiredToken = requiredToken;
    this.notifyEveryMillis = notifyEveryMillis;
    this.port = startJetty(port);
  }

  public int port() {
    return port;
  }

  public int starts() {
    return starts.get();
  }

  public int toolCalls() {
    return toolCalls.get();
  }

  /** Streamable HTTP GET notification streams the server accepted, since it was created. */
  public int getStreamsOpened() {
    return getStreamsOpened.get();
  }

  /**
   * Streamable HTTP GET notification streams open now: accepted and not yet ended, by the server (a
   * stream replaced in its session, a restart) or by the client (noticed when the server next
   * writes to it, or when the connection closes).
   */
  public int getStreamsOpen() {
    return openGetStreams.size();
  }

  /**
   * Send a GET notification stream's response headers as soon as the stream is accepted, as most
   * servers do; the SDK's servlet transport sends them with the first event only, and a client that
   * waits for them (langchain4j-mcp's initialize does) then waits for the first notification.
   */
  public void setSendGetStreamHeadersAtOnce(boolean atOnce) {
    this.sendGetStreamHeadersAtOnce = atOnce;
  }

  /**
   * Answer 400 instead of 404 to a request for a session the server does not know, as some servers
   * do (the reference TypeScript server among them).
   */
  public void setUnknownSessionAs400(boolean as400) {
    this.unknownSessionAs400 = as400;
  }

  /** Answer every request with 401, as a server whose credentials were revoked. */
  public void setRejectAll(boolean reject) {
    this.rejectAll = reject;
  }

  /**
   * Tells {@code listener} of every JSON-RPC message a client posts: (servlet path, method), the
   * method empty for a response. For counting pings from the outside; null to stop.
   */
  public void setRequestListener(BiConsumer<String, String> listener) {
    this.requestListener = listener;
  }

  public synchronized boolean running() {
    return jetty != null;
  }

  /** Stops the server: every connection closes and every session is forgotten. */
  public synchronized void stop() throws Exception {
    if (notifier != null) {
      notifier.shutdownNow();
      notifier = null;
    }
    if (sseServer != null) {
      sseServer.close();
      streamableServer.close();
      sseServer = null;
      streamableServer = null;
    }
    if (jetty != null) {
      jetty.stop();
      jetty = null;
    }
    openGetStreams.clear();
  }

  /** Starts again on the same port with fresh state. */
  public synchronized void start() throws Exception {
    if (jetty == null) {
      startJetty(port);
    }
  }

  public synchronized void restart() throws Exception {
    stop();
    start();
  }

  private synchronized int startJetty(int onPort) throws Exception {
    HttpServletSseServerTransportProvider sse =
        HttpServletSseServerTransportProvider.builder()
            .sseEndpoint("/sse")
            .messageEndpoint("/message")
            .build();
    HttpServletStreamableServerTransportProvider streamable =
        HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
    sseServer = configure(McpServer.sync(sse)).build();
    streamableServer = configure(McpServer.sync(streamable)).build();

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(onPort);
    connector.setReuseAddress(true);
    connector.setIdleTimeout(TimeUnit.MINUTES.toMillis(30));
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder sseHolder = new ServletHolder(sse);
    sseHolder.setAsyncSupported(true);
    context.addServlet(sseHolder, "/sse");
    context.addServlet(sseHolder, "/message");
    ServletHolder mcpHolder = new ServletHolder(streamable);
    mcpHolder.setAsyncSupported(true);
    context.addServlet(mcpHolder, "/mcp");
    context.addFilter(new FilterHolder(authFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
    server.setHandler(context);
    server.start();
    jetty = server;
    starts.incrementAndGet();
    if (notifyEveryMillis > 0) {
      notifier =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "demo-server-notify");
                t.setDaemon(true);
                return t;
              });
      McpSyncServer a = sseServer;
      McpSyncServer b = streamableServer;
      notifier.scheduleAtFixedRate(
          () -> {
            try {
              a.notifyToolsListChanged();
              b.notifyToolsListChanged();
            } catch (RuntimeException ignored) {
              // a session that just died
            }
          },
          notifyEveryMillis,
          notifyEveryMillis,
          TimeUnit.MILLISECONDS);
    }
    return connector.getLocalPort();
  }

  private <S extends McpServer.SyncSpecification<S>> McpServer.SyncSpecification<S> configure(
      McpServer.SyncSpecification<S> spec) {
    McpSchema.Tool echo =
        McpSchema.Tool.builder("echo")
            .description("Echoes its 'text' argument")
            .inputSchema(
                Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string"))))
            .build();
    McpSchema.Tool add =
        McpSchema.Tool.builder("add")
            .description("Adds 'a' and 'b'")
            .inputSchema(
                Map.of(
                    "type",
                    "object",
                    "properties",
                    Map.of("a", Map.of("type", "number"), "b", Map.of("type", "number"))))
            .build();
    return spec.serverInfo("mcp-keepalive-demo-server", "1.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
        .tools(
            McpServerFeatures.SyncToolSpecification.builder()
                .tool(echo)
                .callHandler(
                    (exchange, request) -> {
                      toolCalls.incrementAndGet();
                      Object text =
                          request.arguments() == null ? null : request.arguments().get("text");
                      return McpSchema.CallToolResult.builder()
                          .addTextContent(String.valueOf(text))
                          .build();
                    })
                .build(),
            McpServerFeatures.SyncToolSpecification.builder()
                .tool(add)
                .callHandler(
                    (exchange, request) -> {
                      toolCalls.incrementAndGet();
                      double a = ((Number) request.arguments().getOrDefault("a", 0)).doubleValue();
                      double b = ((Number) request.arguments().getOrDefault("b", 0)).doubleValue();
                      return McpSchema.CallToolResult.builder()
                          .addTextContent(Double.toString(a + b))
                          .build();
                    })
                .build());
  }

  private Filter authFilter() {
    return (request, response, chain) -> {
      HttpServletRequest req = (HttpServletRequest) request;
      HttpServletResponse res = (HttpServletResponse) response;
      String auth = req.getHeader("Authorization");
      boolean tokenOk = requiredToken == null || ("Bearer " + requiredToken).equals(auth);
      if (rejectAll || !tokenOk) {
        res.setStatus(401);
        res.setHeader("WWW-Authenticate", "Bearer");
        res.setContentType("application/json");
        res.getWriter().write("{\"error\":\"unauthorized\"}");
        return;
      }
      if (unknownSessionAs400 && req.getHeader("Mcp-Session-Id") != null) {
        res =
            new HttpServletResponseWrapper(res) {
              @Override
              public void setStatus(int sc) {
                super.setStatus(sc == 404 ? 400 : sc);
              }

              @Override
              public void sendError(int sc, String msg) throws java.io.IOException {
                super.sendError(sc == 404 ? 400 : sc, msg);
              }

              @Override
              public void sendError(int sc) throws java.io.IOException {
                super.sendError(sc == 404 ? 400 : sc);
              }
            };
      }
      if ("GET".equals(req.getMethod()) && "/mcp".equals(req.getServletPath())) {
        chain.doFilter(request, res);
        if (req.isAsyncStarted()) {
          countGetStream(req.getAsyncContext());
          if (sendGetStreamHeadersAtOnce) {
            res.flushBuffer();
          }
        }
        return;
      }
      BiConsumer<String, String> listener = requestListener;
      if (listener != null && "POST".equals(req.getMethod())) {
        byte[] body = req.getInputStream().readAllBytes();
        Matcher m = JSON_RPC_METHOD.matcher(new String(body, StandardCharsets.UTF_8));
        listener.accept(req.getServletPath(), m.find() ? m.group(1) : "");
        chain.doFilter(new BufferedBody(req, body), res);
        return;
      }
      chain.doFilter(request, res);
    };
  }

  /** A notification stream the SDK's transport holds open (asynchronously) until it ends. */
  private void countGetStream(AsyncContext stream) {
    getStreamsOpened.incrementAndGet();
    openGetStreams.add(stream);
    stream.addListener(
        new AsyncListener() {
          @Override
          public void onComplete(AsyncEvent event) {
            openGetStreams.remove(stream);
          }

          @Override
          public void onTimeout(AsyncEvent event) {
            openGetStreams.remove(stream);
          }

          @Override
          public void onError(AsyncEvent event) {
            openGetStreams.remove(stream);
          }

          @Override
          public void onStartAsync(AsyncEvent event) {
            // not restarted
          }
        });
  }

  private static final Pattern JSON_RPC_METHOD = Pattern.compile("\"method\"\\s*:\\s*\"([^\"]+)\"");

  /** A request whose body was read once already, served again from memory. */
  private static final class BufferedBody extends HttpServletRequestWrapper {
    private final byte[] body;

    BufferedBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener readListener) {
          throw new UnsupportedOperationException("blocking reads only");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(
          new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (Exception e) {
      throw new IllegalStateException("demo server did not stop cleanly", e);
    }
  }

  /** Runs the server alone: {@code DemoServer [port] [token]}. */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    String token = args.length > 1 ? args[1] : null;
    DemoServer server = new DemoServer(port, token, 10_000);
    System.out.println("MCP demo server on http://127.0.0.1:" + server.port() + " (/sse, /mcp)");
    Thread.currentThread().join();
  }
}
