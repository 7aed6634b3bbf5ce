package io.github.mcpkeepalive.bench;

import io.github.mcpkeepalive.sample.DemoServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * MCP tool calls per second through the MCP Java SDK's Streamable HTTP client, against the SDK's
 * own server in Jetty on loopback: the runner's server (already warm) when {@code -Dbench.server}
 * names it, else one in this JVM. Run with and without the agent by the runner.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CallBenchmark {

  private DemoServer server;
  private McpSyncClient client;
  private McpSchema.CallToolRequest request;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    String base = System.getProperty("bench.server");
    if (base == null) {
      server = new DemoServer(0, null, 0);
      base = "http://127.0.0.1:" + server.port();
    }
    client = streamableClient(base);
    client.initialize();
    request = new McpSchema.CallToolRequest("echo", Map.of("text", "benchmark"));
  }

  /**
   * The MCP Java SDK client every benchmark uses: Streamable HTTP at {@code base}/mcp, not
   * initialized.
   */
  static McpSyncClient streamableClient(String base) {
    return McpClient.sync(HttpClientStreamableHttpTransport.builder(base).endpoint("/mcp").build())
        .requestTimeout(Duration.ofSeconds(10))
        .build();
  }

  @Benchmark
  public McpSchema.CallToolResult callTool() {
    return client.callTool(request);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    client.closeGracefully();
    if (server != null) {
      server.close();
    }
  }
}
