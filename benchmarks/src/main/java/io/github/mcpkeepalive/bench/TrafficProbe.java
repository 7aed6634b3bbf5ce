package io.github.mcpkeepalive.bench;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A client for the traffic benchmark: one legacy SSE and one Streamable HTTP connection; calls a
 * tool on both every second for a while, then stays idle for a while, printing a marker line at
 * each phase. {@code TrafficProbe baseUrl busySeconds idleSeconds}
 */
public final class TrafficProbe {

  private TrafficProbe() {}

  @SuppressWarnings("deprecation") // the legacy SSE transport, as many servers still speak it
  public static void main(String[] args) throws Exception {
    String base = args[0];
    int busy = Integer.parseInt(args[1]);
    int idle = Integer.parseInt(args[2]);
    List<McpSyncClient> clients =
        List.of(
            McpClient.sync(HttpClientSseClientTransport.builder(base).sseEndpoint("/sse").build())
                .requestTimeout(Duration.ofSeconds(10))
                .build(),
            CallBenchmark.streamableClient(base));
    clients.forEach(McpSyncClient::initialize);
    McpSchema.CallToolRequest request =
        new McpSchema.CallToolRequest("echo", Map.of("text", "traffic"));
    System.out.println("BUSY");
    long next = System.nanoTime();
    for (int i = 0; i < busy; i++) {
      sleepUntil(next);
      clients.forEach(c -> c.callTool(request));
      next += 1_000_000_000L;
    }
    System.out.println("IDLE"); // right after the last calls: idleness starts here
    sleepUntil(System.nanoTime() + idle * 1_000_000_000L); // the idle phase is what is measured
    System.out.println("DONE");
    clients.forEach(McpSyncClient::closeGracefully);
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, left / 1_000_000));
    }
  }
}
