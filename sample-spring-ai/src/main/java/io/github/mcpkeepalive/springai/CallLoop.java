package io.github.mcpkeepalive.springai;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.stereotype.Component;

/**
 * Takes the clients Spring AI built (already initialized) and, for each in its own thread, calls
 * the tool {@code echo} every {@code app.every}, {@code app.calls} times. Prints exactly the lines
 * of {@code sample-app}'s {@code SampleApp}: {@code READY}, {@code CALL}, {@code NOTIFY} (from
 * {@link ToolsChangeCounter}) and, at the end, one {@code SUMMARY} per connection. The exit code
 * (through {@link ExitCodeGenerator}) is 0 when no call failed, else 1.
 */
@Component
public class CallLoop implements CommandLineRunner, ExitCodeGenerator {

  private final List<McpSyncClient> clients;
  private final ToolsChangeCounter notifications;
  private final AppProperties app;
  private final String clientName;
  private volatile int exitCode;

  public CallLoop(
      List<McpSyncClient> clients,
      ToolsChangeCounter notifications,
      AppProperties app,
      @Value("${spring.ai.mcp.client.name:spring-ai-mcp-client}") String clientName) {
    this.clients = clients;
    this.notifications = notifications;
    this.app = app;
    this.clientName = clientName;
  }

  @Override
  public void run(String... args) throws InterruptedException {
    if (clients.isEmpty()) {
      throw new IllegalStateException("no MCP connection configured (spring.ai.mcp.client.sse.connections.*, spring.ai.mcp.client.streamable-http.connections.*)");
    }
    CountDownLatch done = new CountDownLatch(clients.size());
    AtomicInteger totalFailed = new AtomicInteger();
    List<String> summaries = Collections.synchronizedList(new ArrayList<>());
    for (McpSyncClient client : clients) {
      String name = connectionName(client);
      Thread t =
          new Thread(
              () -> {
                try {
                  int[] r = runOne(client, name);
                  totalFailed.addAndGet(r[1]);
                  summaries.add("SUMMARY server=" + name + " ok=" + r[0] + " failed=" + r[1] + " notifications=" + notifications.count(name));
                } finally {
                  done.countDown();
                }
              },
              "app-" + name);
      t.start();
    }
    done.await();
    summaries.forEach(CallLoop::out);
    exitCode = totalFailed.get() == 0 ? 0 : 1;
  }

  @Override
  public int getExitCode() {
    return exitCode;
  }

  /**
   * The connection name ({@code sse}, {@code http}) of a client Spring AI built. Spring AI 2.0.0
   * gives each sync client the client info {@code Implementation(name = "<spring.ai.mcp.client.name>
   * - <connection>", title = "<connection>", version)}; the title is the connection name, and the
   * name's suffix is the fallback (Spring AI's async clients carry no title).
   */
  String connectionName(McpSyncClient client) {
    McpSchema.Implementation info = client.getClientInfo();
    if (info.title() != null && !info.title().isBlank()) {
      return info.title();
    }
    String prefix = clientName + " - ";
    return info.name().startsWith(prefix) ? info.name().substring(prefix.length()) : info.name();
  }

  private int[] runOne(McpSyncClient client, String name) {
    Duration every = app.every();
    int ok = 0;
    int failed = 0;
    try {
      int tools = client.listTools().tools().size();
      out("READY " + Instant.now() + " server=" + name + " tools=" + tools);
    } catch (RuntimeException e) {
      out("INIT " + Instant.now() + " server=" + name + " failed error=" + errorClass(e));
    }
    long next = System.nanoTime();
    for (int i = 1; i <= app.calls(); i++) {
      next += every.toNanos();
      sleepUntil(next);
      long start = System.nanoTime();
      try {
        McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("echo").arguments(Map.<String, Object>of("text", "call " + i)).build());
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (Boolean.TRUE.equals(result.isError())) {
          failed++;
          out("CALL " + Instant.now() + " server=" + name + " n=" + i + " failed latency_ms=" + ms + " error=ToolError");
        } else {
          ok++;
          out("CALL " + Instant.now() + " server=" + name + " n=" + i + " ok latency_ms=" + ms);
        }
      } catch (RuntimeException e) {
        failed++;
        long ms = (System.nanoTime() - start) / 1_000_000;
        out("CALL " + Instant.now() + " server=" + name + " n=" + i + " failed latency_ms=" + ms + " error=" + errorClass(e));
      }
    }
    return new int[] {ok, failed};
  }

  static String errorClass(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + "/" + root.getClass().getSimpleName();
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
