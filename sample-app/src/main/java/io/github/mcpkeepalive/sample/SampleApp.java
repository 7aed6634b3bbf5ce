package io.github.mcpkeepalive.sample;

import io.github.mcpkeepalive.sample.support.CallSchedule;
import io.github.mcpkeepalive.sample.support.SampleArgs;
import io.github.mcpkeepalive.sample.support.ServerSpec;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ordinary MCP client application, written as a user would with the MCP Java SDK: it connects to
 * its servers, initializes, lists tools, then calls a tool on a schedule and prints one line per
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

  private SampleApp() {}

  public static void main(String[] args) throws Exception {
    SampleArgs a = SampleArgs.parse(args, SampleApp::readConfig, (option, value) -> false);
    List<CallSchedule.Named> sessions = new ArrayList<>();
    for (ServerSpec spec : a.servers) {
      sessions.add(new CallSchedule.Named(spec.name(), new SdkSession(spec, a.requestTimeout)));
    }
    int failed = CallSchedule.run(sessions, a.every, a.calls, a.startupRetry);
    System.exit(failed == 0 ? 0 : 1);
  }

  /** One MCP Java SDK client, built as applications usually build it; initialized on start. */
  private static final class SdkSession implements CallSchedule.Session {
    private final AtomicInteger notifications = new AtomicInteger();
    private final McpSyncClient client;

    SdkSession(ServerSpec spec, Duration requestTimeout) {
      this.client =
          McpClient.sync(transport(spec))
              .requestTimeout(requestTimeout)
              .clientInfo(new McpSchema.Implementation("mcp-keepalive-sample-app", "1.0"))
              .toolsChangeConsumer(
                  tools -> {
                    notifications.incrementAndGet();
                    CallSchedule.notified(spec.name());
                  })
              .build();
    }

    @Override
    public int start() {
      client.initialize();
      return client.listTools().tools().size();
    }

    @Override
    public String call(int n) {
      McpSchema.CallToolResult result =
          client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "call " + n)));
      return Boolean.TRUE.equals(result.isError()) ? "ToolError" : null;
    }

    @Override
    public int notifications() {
      return notifications.get();
    }

    @Override
    public void close() {
      client.closeGracefully();
    }
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
      return HttpClientSseClientTransport.builder(base)
          .sseEndpoint(path)
          .requestBuilder(request)
          .build();
    }
    return HttpClientStreamableHttpTransport.builder(base)
        .endpoint(path)
        .requestBuilder(request)
        .build();
  }

  /** Reads the servers of a configuration file (see {@link ServerSpec#fromJson}). */
  static List<ServerSpec> readConfig(Path file) throws Exception {
    McpJsonMapper json = McpJsonDefaults.getMapper();
    return ServerSpec.fromJson(json.readValue(Files.readString(file), new TypeRef<Object>() {}));
  }
}
