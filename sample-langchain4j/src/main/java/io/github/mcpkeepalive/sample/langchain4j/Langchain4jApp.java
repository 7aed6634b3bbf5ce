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
import io.github.mcpkeepalive.sample.support.CallSchedule;
import io.github.mcpkeepalive.sample.support.SampleArgs;
import io.github.mcpkeepalive.sample.support.ServerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

  /** Client settings given on the command line; null means "not given, use the library default". */
  static final class ClientOptions {
    Duration requestTimeout;
    Boolean healthCheck;
    Duration healthCheckInterval;
    Duration reconnectInterval;
    Duration pingTimeout;

    boolean accept(String option, String value) {
      switch (option) {
        case "--health-check" -> healthCheck = onOff(value);
        case "--health-check-interval" -> healthCheckInterval = CallSchedule.duration(value);
        case "--reconnect-interval" -> reconnectInterval = CallSchedule.duration(value);
        case "--ping-timeout" -> pingTimeout = CallSchedule.duration(value);
        default -> {
          return false;
        }
      }
      return true;
    }
  }

  private Langchain4jApp() {}

  public static void main(String[] args) throws Exception {
    ClientOptions options = new ClientOptions();
    SampleArgs a = SampleArgs.parse(args, Langchain4jApp::readConfig, options::accept);
    options.requestTimeout = a.requestTimeout;
    List<CallSchedule.Named> sessions = new ArrayList<>();
    for (ServerSpec spec : a.servers) {
      sessions.add(new CallSchedule.Named(spec.name(), new Langchain4jSession(spec, options)));
    }
    int failed = CallSchedule.run(sessions, a.every, a.calls);
    System.exit(failed == 0 ? 0 : 1);
  }

  /**
   * One langchain4j client. It exists only once it has connected: when the first connection fails,
   * the next call builds it again.
   */
  private static final class Langchain4jSession implements CallSchedule.Session {
    private final ServerSpec spec;
    private final ClientOptions options;
    private McpClient client;

    Langchain4jSession(ServerSpec spec, ClientOptions options) {
      this.spec = spec;
      this.options = options;
    }

    @Override
    public int start() {
      client = connect(spec, options);
      return client.listTools().size();
    }

    @Override
    public String call(int n) {
      if (client == null) {
        client = connect(spec, options);
      }
      ToolExecutionResult result = client.executeTool(ToolExecutionRequest.builder().name("echo").arguments("{\"text\":\"call " + n + "\"}").build());
      return result.isError() ? "ToolError" : TIMEOUT_RESULT_TEXT.equals(result.resultText()) ? "ToolTimeout" : null;
    }

    @Override
    public int notifications() {
      return 0; // langchain4j-mcp has no callback for them
    }

    /** A tool error result is thrown as a {@link ToolExecutionException} with no cause and no code. */
    @Override
    public String errorName(RuntimeException e) {
      if (e instanceof ToolExecutionException t && t.getCause() == null && t.errorCode() == null) {
        return "ToolError";
      }
      return CallSchedule.errorClass(e);
    }

    @Override
    public void close() {
      if (client != null) {
        try {
          client.close();
        } catch (Exception ignored) {
          // closing a broken client
        }
      }
    }
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
            .toolExecutionTimeout(options.requestTimeout);
    if (options.healthCheck != null) {
      builder.autoHealthCheck(options.healthCheck);
    }
    if (options.healthCheckInterval != null) {
      builder.autoHealthCheckInterval(options.healthCheckInterval);
    }
    if (options.reconnectInterval != null) {
      builder.reconnectInterval(options.reconnectInterval);
    }
    if (options.pingTimeout != null) {
      builder.pingTimeout(options.pingTimeout);
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

  /** Reads the servers of a configuration file (see {@link ServerSpec#fromJson}). */
  static List<ServerSpec> readConfig(Path file) throws IOException {
    return ServerSpec.fromJson(new ObjectMapper().readValue(Files.readString(file), Object.class));
  }

  static Boolean onOff(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "on", "true", "yes" -> Boolean.TRUE;
      case "off", "false", "no" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException("expected on or off, got '" + text + "'");
    };
  }
}
