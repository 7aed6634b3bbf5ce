package io.github.mcpkeepalive.sample;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * A plain MCP Java SDK client for the MCP conformance suite's client scenarios ({@code npx
 * @modelcontextprotocol/conformance client --command "java … ConformanceClient" --scenario …}): the
 * suite passes its server's URL as the last argument and the scenario's name in {@code
 * MCP_CONFORMANCE_SCENARIO}. It initializes, lists the tools and calls the first one, over
 * Streamable HTTP; exit status 0 when the call got its result within 10 s.
 */
public final class ConformanceClient {

  private ConformanceClient() {}

  public static void main(String[] args) {
    URI url = URI.create(args[args.length - 1]);
    String scenario = System.getenv().getOrDefault("MCP_CONFORMANCE_SCENARIO", "?");
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    McpSyncClient client =
        McpClient.sync(
                HttpClientStreamableHttpTransport.builder(
                        url.getScheme() + "://" + url.getRawAuthority())
                    .endpoint(path)
                    .build())
            .requestTimeout(Duration.ofSeconds(10))
            .clientInfo(new McpSchema.Implementation("mcp-keepalive-conformance-client", "1.0"))
            .build();
    int status = 1;
    try {
      client.initialize();
      var tools = client.listTools().tools();
      if (tools.isEmpty()) {
        System.out.println("CONFORMANCE " + scenario + ": no tool to call");
        status = 0;
      } else {
        String name = tools.get(0).name();
        McpSchema.CallToolResult result =
            client.callTool(new McpSchema.CallToolRequest(name, Map.of()));
        System.out.println(
            "CONFORMANCE " + scenario + ": " + name + " answered: " + result.content());
        status = Boolean.TRUE.equals(result.isError()) ? 1 : 0;
      }
    } catch (RuntimeException e) {
      System.out.println("CONFORMANCE " + scenario + ": failed: " + e);
    } finally {
      try {
        client.closeGracefully();
      } catch (RuntimeException ignored) {
        // the exit status says what matters
      }
    }
    System.exit(status);
  }
}
