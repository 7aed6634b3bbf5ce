package io.github.mcpkeepalive.sample.langchain4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.HttpMcpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.service.tool.ToolExecutionResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ordinary MCP client application, written as a user would with langchain4j-mcp: it connects to
 * its servers ({@link DefaultMcpClient} connects and initializes in its constructor), lists tools,
 * then calls a tool on a schedule and prints one line per call and a summary. It has no keepalive or
 * retry logic of its own and does not know about the agent. Command line and output are those of
 * the MCP Java SDK sample app ({@code io.github.mcpkeepalive.sample.SampleApp}).
 *
 * <pre>
 * Langchain4jApp --server name=a,url=http://host:port/sse,transport=sse[,token=T] [--server …]
 *                [--config servers.json] [--every 12s] [--calls 5] [--request-timeout 5s]
 *                [--health-check on|off] [--health-check-interval 30s]
 *                [--reconnect-interval 5s] [--ping-timeout 10s]
 * </pre>
 *
 * <p>The last four options go to {@link DefaultMcpClient.Builder} only when given, so that by
 * default the library's own defaults apply. langchain4j-mcp offers no callback for {@code
 * notifications/tools/list_changed} (it only marks its tool cache stale), so no {@code NOTIFY} line
 * is ever printed and the summary always counts zero notifications.
 */
public final class Langchain4jApp {

  /** What {@link DefaultMcpClient#executeTool} returns, as a normal result, when a call times out. */
  private static final String TIMEOUT_RESULT_TEXT = "There was a timeout executing the tool";

  /** One configured server. */
  record ServerSpec(String name, String url, String transport, String token) {}

  /** Client settings given on the command line; null means "not given, use the library default". */
  record ClientOptions(Duration requestTimeout, Boolean healthCheck, Duration healthCheckInterval, Duration reconnectInterval, Duration pingTimeout) {}

  private Langchain4jApp() {}

  public static void main(String[] args) throws Exception {
    List<ServerSpec> servers = new ArrayList<>();
    Duration every = Duration.ofSeconds(12);
    int calls = 5;
    Duration requestTimeout = Duration.ofSeconds(10);
    Boolean healthCheck = null;
    Duration healthCheckInterval = null;
    Duration reconnectInterval = null;
    Duration pingTimeout = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--server":
          servers.add(parseServer(v));
          i++;
          break;
        case "--config":
          servers.addAll(readConfig(Path.of(v)));
          i++;
          break;
        case "--every":
          every = duration(v);
          i++;
          break;
        case "--calls":
          calls = Integer.parseInt(v);
          i++;
          break;
        case "--request-timeout":
          requestTimeout = duration(v);
          i++;
          break;
        case "--health-check":
          healthCheck = onOff(v);
          i++;
          break;
        case "--health-check-interval":
          healthCheckInterval = duration(v);
          i++;
          break;
        case "--reconnect-interval":
          reconnectInterval = duration(v);
          i++;
          break;
        case "--ping-timeout":
          pingTimeout = duration(v);
          i++;
          break;
        default:
          System.err.println("unknown argument: " + a);
          System.exit(2);
      }
    }
    if (servers.isEmpty()) {
      System.err.println("no server given; use --server name=a,url=http://127.0.0.1:8080/mcp,transport=streamable");
      System.exit(2);
    }
    ClientOptions options = new ClientOptions(requestTimeout, healthCheck, healthCheckInterval, reconnectInterval, pingTimeout);
    int failed = run(servers, every, calls, options);
    System.exit(failed == 0 ? 0 : 1);
  }

  /** Runs the schedule against every server in parallel; returns the number of failed calls. */
  static int run(List<ServerSpec> servers, Duration every, int calls, ClientOptions options) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(servers.size());
    AtomicInteger totalFailed = new AtomicInteger();
    List<String> summaries = Collections.synchronizedList(new ArrayList<>());
    for (ServerSpec spec : servers) {
      Thread t =
          new Thread(
              () -> {
                try {
                  int[] r = runOne(spec, every, calls, options);
                  totalFailed.addAndGet(r[1]);
                  summaries.add("SUMMARY server=" + spec.name() + " ok=" + r[0] + " failed=" + r[1] + " notifications=" + r[2]);
                } finally {
                  done.countDown();
                }
              },
              "app-" + spec.name());
      t.start();
    }
    done.await();
    summaries.forEach(Langchain4jApp::out);
    return totalFailed.get();
  }

  private static int[] runOne(ServerSpec spec, Duration every, int calls, ClientOptions options) {
    McpClient client = null;
    int ok = 0;
    int failed = 0;
    try {
      try {
        client = connect(spec, options);
        int tools = client.listTools().size();
        out("READY " + Instant.now() + " server=" + spec.name() + " tools=" + tools);
      } catch (RuntimeException e) {
        out("INIT " + Instant.now() + " server=" + spec.name() + " failed error=" + errorClass(e));
      }
      long next = System.nanoTime();
      for (int i = 1; i <= calls; i++) {
        next += every.toNanos();
        sleepUntil(next);
        long start = System.nanoTime();
        try {
          if (client == null) {
            // the first connection failed: the client only exists once it has connected
            client = connect(spec, options);
          }
          ToolExecutionResult result =
              client.executeTool(ToolExecutionRequest.builder().name("echo").arguments("{\"text\":\"call " + i + "\"}").build());
          long ms = (System.nanoTime() - start) / 1_000_000;
          String error = result.isError() ? "ToolError" : TIMEOUT_RESULT_TEXT.equals(result.resultText()) ? "ToolTimeout" : null;
          if (error != null) {
            failed++;
            out("CALL " + Instant.now() + " server=" + spec.name() + " n=" + i + " failed latency_ms=" + ms + " error=" + error);
          } else {
            ok++;
            out("CALL " + Instant.now() + " server=" + spec.name() + " n=" + i + " ok latency_ms=" + ms);
          }
        } catch (RuntimeException e) {
          failed++;
          long ms = (System.nanoTime() - start) / 1_000_000;
          out("CALL " + Instant.now() + " server=" + spec.name() + " n=" + i + " failed latency_ms=" + ms + " error=" + callError(e));
        }
      }
    } finally {
      if (client != null) {
        try {
          client.close();
        } catch (Exception ignored) {
          // closing a broken client
        }
      }
    }
    return new int[] {ok, failed, 0};
  }

  /** Builds the client, which connects and initializes; closes the transport if that fails. */
  static McpClient connect(ServerSpec spec, ClientOptions options) {
    McpTransport transport = transport(spec);
    DefaultMcpClient.Builder builder =
        DefaultMcpClient.builder()
            .key(spec.name())
            .clientName("mcp-keepalive-sample-langchain4j")
            .clientVersion("1.0")
            .transport(transport)
            .toolExecutionTimeout(options.requestTimeout());
    if (options.healthCheck() != null) {
      builder.autoHealthCheck(options.healthCheck());
    }
    if (options.healthCheckInterval() != null) {
      builder.autoHealthCheckInterval(options.healthCheckInterval());
    }
    if (options.reconnectInterval() != null) {
      builder.reconnectInterval(options.reconnectInterval());
    }
    if (options.pingTimeout() != null) {
      builder.pingTimeout(options.pingTimeout());
    }
    try {
      return builder.build();
    } catch (RuntimeException e) {
      try {
        transport.close();
      } catch (IOException | RuntimeException ignored) {
        // the client never took the transport over
      }
      throw e;
    }
  }

  // the legacy HTTP+SSE transport is deprecated for removal; many servers still speak only it
  @SuppressWarnings("removal")
  static McpTransport transport(ServerSpec spec) {
    Map<String, String> headers = spec.token() == null ? Map.of() : Map.of("Authorization", "Bearer " + spec.token());
    if ("sse".equals(spec.transport())) {
      return HttpMcpTransport.builder().sseUrl(spec.url()).customHeaders(headers).build();
    }
    return StreamableHttpMcpTransport.builder().url(spec.url()).customHeaders(headers).build();
  }

  static ServerSpec parseServer(String text) {
    String name = null;
    String url = null;
    String transport = null;
    String token = null;
    for (String part : text.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        url = part.trim();
        continue;
      }
      String k = part.substring(0, eq).trim();
      String v = part.substring(eq + 1).trim();
      switch (k) {
        case "name" -> name = v;
        case "url" -> url = v;
        case "transport", "type" -> transport = v;
        case "token" -> token = v;
        default -> throw new IllegalArgumentException("unknown server field '" + k + "' (name, url, transport, token)");
      }
    }
    return spec(name, url, transport, token);
  }

  private static ServerSpec spec(String name, String url, String transport, String token) {
    if (url == null) {
      throw new IllegalArgumentException("server without url");
    }
    String t = transport == null ? (url.endsWith("/sse") ? "sse" : "streamable") : transport.toLowerCase(Locale.ROOT);
    if (!t.equals("sse")) {
      t = "streamable";
    }
    return new ServerSpec(name == null ? t : name, url, t, token);
  }

  /** Reads {@code [{"name","url","transport","token"}]} or {@code {"servers":[…]}}. */
  static List<ServerSpec> readConfig(Path file) throws IOException {
    Object root = new ObjectMapper().readValue(Files.readString(file), Object.class);
    List<?> list = root instanceof Map ? (List<?>) ((Map<?, ?>) root).get("servers") : (List<?>) root;
    List<ServerSpec> out = new ArrayList<>();
    for (Object o : list) {
      Map<?, ?> m = (Map<?, ?>) o;
      out.add(spec((String) m.get("name"), (String) m.get("url"), (String) (m.get("transport") != null ? m.get("transport") : m.get("type")), (String) m.get("token")));
    }
    return out;
  }

  /** A tool error result is thrown as a {@link ToolExecutionException} with no cause and no code. */
  static String callError(RuntimeException e) {
    if (e instanceof ToolExecutionException t && t.getCause() == null && t.errorCode() == null) {
      return "ToolError";
    }
    return errorClass(e);
  }

  static String errorClass(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + "/" + root.getClass().getSimpleName();
  }

  static Boolean onOff(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "on", "true", "yes" -> Boolean.TRUE;
      case "off", "false", "no" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException("expected on or off, got '" + text + "'");
    };
  }

  static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    if (t.endsWith("s")) {
      t = t.substring(0, t.length() - 1);
    }
    return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
  }

  private static void sleepUntil(long deadlineNanos) {
    long wait;
    while ((wait = deadlineNanos - System.nanoTime()) > 0) {
      try {
        Thread.sleep(Math.max(1, wait / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  static synchronized void out(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
