package io.github.mcpkeepalive.springai;

import io.github.mcpkeepalive.sample.support.CallSchedule;
import io.modelcontextprotocol.client.McpClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.ai.mcp.customizer.McpSyncClientCustomizer;
import org.springframework.stereotype.Component;

/**
 * Spring AI's supported hook into each sync client's builder: it is called once per connection,
 * with the connection's name from the properties ({@code sse}, {@code http}), before the client is
 * built. It adds a tools-change consumer (the SDK keeps a list, so Spring AI's own consumers stay)
 * that prints {@code NOTIFY} when the server sends {@code notifications/tools/list_changed} and
 * counts it per connection.
 *
 * <p>API difference from the 2.0 app: Spring AI 1.1 names the hook {@code McpSyncClientCustomizer};
 * 2.0 replaced it with the generic {@code McpClientCustomizer<McpClient.SyncSpec>}.
 */
@Component
public class ToolsChangeCounter implements McpSyncClientCustomizer {

  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  @Override
  public void customize(String connectionName, McpClient.SyncSpec spec) {
    AtomicInteger count = counter(connectionName);
    spec.toolsChangeConsumer(
        tools -> {
          count.incrementAndGet();
          CallSchedule.notified(connectionName);
        });
  }

  /** Notifications received so far on the named connection. */
  public int count(String connectionName) {
    return counter(connectionName).get();
  }

  private AtomicInteger counter(String connectionName) {
    return counts.computeIfAbsent(connectionName, k -> new AtomicInteger());
  }
}
