package io.github.mcpkeepalive.sample;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ordinary MCP client application, written as a user would with the MCP Java SDK: it connects
 * to its servers, initializes, lists tools, then calls a tool on a schedule and prints one line per
 * call and a summary. It has no keepalive or retry logic and does not know about the agent.
 *
 * <pre>
 * SampleApp --server name=a,url=http://host:port/sse,transport=sse[,token=T] [--server …]
 *           [--config servers.json] [--every 12s] [--calls 5] [--request-timeout 5s]
 * </pre>
 */
// SDK 2.1 deprecates the legacy SSE transport and some convenience constructors; typical
// applications still use them, and so does this one
@SuppressWarnings("deprecation")
public final class SampleApp {

  /** One configured server. */
  record ServerSpec(String name, String url, String transport, String token) {}

  private SampleApp() {}

  public static void main(String[] args) throws Exception {
    List<ServerSpec> servers = new ArrayList<>();
    Duration every = Duration.ofSeconds(12);
    int calls = 5;
    Duration requestTimeout = Duration.ofSeconds(10);
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
        default:
          System.err.println("unknown argument: " + a);
          System.exit(2);
      }
    }
    if (servers.isEmpty()) {
      System.err.println("no server given; use --server name=a,url=http://127.0.0.1:8080/mcp,transport=streamable (see Demo for a self-contained run)");
      System.exit(2);
    }
    int failed = run(servers, every, calls, requestTimeout);
    System.exit(failed == 0 ? 0 : 1);
  }

  /** Runs the schedule against every server in parallel; returns the number of failed calls. */
  static int run(List<ServerSpec> servers, Duration every, int calls, Duration requestTimeout) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(servers.size());
    AtomicInteger totalFailed = new AtomicInteger();
    List<String> summaries = java.util.Collections.synchronizedList(new ArrayList<>());
    for (ServerSpec spec : servers) {
      Thread t =
          new Thread(
              () -> {
                try {
                  int[] r = runOne(spec, every, calls, requestTimeout);
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
    summaries.forEach(SampleApp::out);
    return totalFailed.get();
  }

  private static int[] runOne(ServerSpec spec, Duration every, int calls, Duration requestTimeout) {
    AtomicInteger notifications = new AtomicInteger();
    McpSyncClient client =
        McpClient.sync(transport(spec))
            .requestTimeout(requestTimeout)
            .clientInfo(new McpSchema.Implementation("mcp-keepalive-sample-app", "1.0"))
            .toolsChangeConsumer(
                tools -> {
                  notifications.incrementAndGet();
                  out("NOTIFY " + Instant.now() + " server=" + spec.name() + " tools_list_changed");
                })
            .build();
    int ok = 0;
    int failed = 0;
    try {
      try {
        client.initialize();
        int tools = client.listTools().tools().size();
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
          McpSchema.CallToolResult result =
              client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "call " + i)));
          long ms = (System.nanoTime() - start) / 1_000_000;
          if (Boolean.TRUE.equals(result.isError())) {
            failed++;
            out("CALL " + Instant.now() + " server=" + spec.name() + " n=" + i + " failed latency_ms=" + ms + " error=ToolError");
          } else {
            ok++;
            out("CALL " + Instant.now() + " server=" + spec.name() + " n=" + i + " ok latency_ms=" + ms);
          }
        } catch (RuntimeException e) {
          failed++;
          long ms = (System.nanoTime() - start) / 1_000_000;
          out("CALL " + Instant.now() + " server=" + spec.name() + " n=" + i + " failed latency_ms=" + ms + " error=" + errorClass(e));
        }
      }
    } finally {
      try {
        client.closeGracefully();
      } catch (RuntimeException ignored) {
        // closing a broken client
      }
    }
    return new int[] {ok, failed, notifications.get()};
  }

  static McpClientTransport transport(ServerSpec spec) {
    URI uri = URI.create(spec.url());
    String base = uri.getScheme() + "://" + uri.getRawAuthority();
    String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    HttpRequest.Builder request = HttpRequest.newBuilder();
    if (spec.token() != null) {
      request.header("Authorization", "Bearer " + spec.token());
    }
    if ("sse".equals(spec.transport())) {
      return HttpClientSseClientTransport.builder(base).sseEndpoint(path).requestBuilder(request).build();
    }
    return HttpClientStreamableHttpTransport.builder(base).endpoint(path).requestBuilder(request).build();
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
  static List<ServerSpec> readConfig(Path file) throws Exception {
    McpJsonMapper json = McpJsonDefaults.getMapper();
    Object root = json.readValue(Files.readString(file), new TypeRef<Object>() {});
    List<?> list = root instanceof Map ? (List<?>) ((Map<?, ?>) root).get("servers") : (List<?>) root;
    List<ServerSpec> out = new ArrayList<>();
    for (Object o : list) {
      Map<?, ?> m = (Map<?, ?>) o;
      out.add(spec((String) m.get("name"), (String) m.get("url"), (String) (m.get("transport") != null ? m.get("transport") : m.get("type")), (String) m.get("token")));
    }
    return out;
  }

  static String errorClass(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + "/" + root.getClass().getSimpleName();
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
