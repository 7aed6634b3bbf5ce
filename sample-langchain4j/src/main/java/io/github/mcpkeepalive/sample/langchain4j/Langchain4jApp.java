package io.github.mcpkeepalive.sample.langchain4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.McpClientListener;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.HttpMcpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.service.tool.ToolExecutionResult;
import io.github.mcpkeepalive.sample.support.CallSchedule;
import io.github.mcpkeepalive.sample.support.SampleArgs;
import io.github.mcpkeepalive.sample.support.ServerSpec;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ordinary MCP client application, written as a user would with langchain4j-mcp: it connects to
 * its servers ({@link DefaultMcpClient} connects and initializes in its constructor), lists tools,
 * then calls a tool on a schedule and prints one line per call and a summary. It has no keepalive
 * or retry logic of its own and does not know about the agent. Command line and output are those of
 * the MCP Java SDK sample app ({@code io.github.mcpkeepalive.sample.SampleApp}).
 *
 * <pre>
 * Langchain4jApp --server name=a,url=http://host:port/sse,transport=sse[,token=T] [--server …]
 *                [--config servers.json] [--every 12s] [--calls 5] [--request-timeout 5s]
 *                [--health-check on|off] [--health-check-interval 30s]
 *                [--reconnect-interval 5s] [--ping-timeout 10s] [--notification-stream on|off]
 * </pre>
 *
 * <p>The four options after {@code --request-timeout} go to {@link DefaultMcpClient.Builder} only
 * when given, so that by default the library's own defaults apply. {@code --notification-stream on}
 * asks Streamable HTTP transports for the GET notification stream ({@code subsidiaryChannel(true)},
 * langchain4j-mcp 1.12 and later). A {@code notifications/tools/list_changed} prints a {@code
 * NOTIFY} line and counts in the summary when the library tells its {@link McpClientListener} (1.15
 * and later); older versions only mark their tool cache stale, so they count zero.
 */
public final class Langchain4jApp {

  /**
   * What {@link DefaultMcpClient#executeTool} returns, as a normal result, when a call times out.
   */
  private static final String TIMEOUT_RESULT_TEXT = "There was a timeout executing the tool";

  /** Client settings given on the command line; null means "not given, use the library default". */
  static final class ClientOptions {
    Duration requestTimeout;
    Boolean healthCheck;
    Duration healthCheckInterval;
    Duration reconnectInterval;
    Duration pingTimeout;
    boolean notificationStream;

    boolean accept(String option, String value) {
      switch (option) {
        case "--health-check" -> healthCheck = onOff(value);
        case "--health-check-interval" -> healthCheckInterval = CallSchedule.duration(value);
        case "--reconnect-interval" -> reconnectInterval = CallSchedule.duration(value);
        case "--ping-timeout" -> pingTimeout = CallSchedule.duration(value);
        case "--notification-stream" -> notificationStream = onOff(value);
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
    int failed = CallSchedule.run(sessions, a.every, a.calls, a.startupRetry);
    System.exit(failed == 0 ? 0 : 1);
  }

  /**
   * One langchain4j client. It exists only once it has connected: when the first connection fails,
   * the next call builds it again.
   */
  private static final class Langchain4jSession implements CallSchedule.Session {
    private final ServerSpec spec;
    private final ClientOptions options;
    private final AtomicInteger notifications = new AtomicInteger();
    private McpClient client;

    Langchain4jSession(ServerSpec spec, ClientOptions options) {
      this.spec = spec;
      this.options = options;
    }

    @Override
    public int start() {
      if (client == null) {
        client = connect(spec, options, new ToolsChangeCounter(spec.name(), notifications));
      }
      return client.listTools().size();
    }

    @Override
    public String call(int n) {
      if (client == null) {
        client = connect(spec, options, new ToolsChangeCounter(spec.name(), notifications));
      }
      ToolExecutionResult result =
          client.executeTool(
              ToolExecutionRequest.builder()
                  .name("echo")
                  .arguments("{\"text\":\"call " + n + "\"}")
                  .build());
      return result.isError()
          ? "ToolError"
          : TIMEOUT_RESULT_TEXT.equals(result.resultText()) ? "ToolTimeout" : null;
    }

    @Override
    public int notifications() {
      return notifications.get();
    }

    /**
     * A tool error result is thrown as a {@link ToolExecutionException} with no cause and no code.
     */
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

  /**
   * Counts the server's {@code notifications/tools/list_changed}. langchain4j-mcp 1.15 and later
   * call {@code onNotificationToolsListChanged()}, a default method of their {@link
   * McpClientListener}; this app is compiled against 1.11, whose interface lacks it, hence no
   * {@code @Override}.
   */
  static final class ToolsChangeCounter implements McpClientListener {
    private final String server;
    private final AtomicInteger count;

    ToolsChangeCounter(String server, AtomicInteger count) {
      this.server = server;
      this.count = count;
    }

    public void onNotificationToolsListChanged() {
      count.incrementAndGet();
      CallSchedule.notified(server);
    }
  }

  /** Builds the client, which connects and initializes; closes the transport if that fails. */
  static McpClient connect(ServerSpec spec, ClientOptions options, McpClientListener listener) {
    McpTransport transport = transport(spec, options.notificationStream);
    DefaultMcpClient.Builder builder =
        DefaultMcpClient.builder()
            .key(spec.name())
            .clientName("mcp-keepalive-sample-langchain4j")
            .clientVersion("1.0")
            .transport(transport)
            .listener(listener)
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
  static McpTransport transport(ServerSpec spec, boolean notificationStream) {
    Map<String, String> headers =
        spec.token() == null ? Map.of() : Map.of("Authorization", "Bearer " + spec.token());
    if ("sse".equals(spec.transport())) {
      return HttpMcpTransport.builder().sseUrl(spec.url()).customHeaders(headers).build();
    }
    StreamableHttpMcpTransport.Builder builder =
        StreamableHttpMcpTransport.builder().url(spec.url()).customHeaders(headers);
    if (notificationStream) {
      subsidiaryChannel(builder);
    }
    return builder.build();
  }

  /**
   * {@code builder.subsidiaryChannel(true)}, called by reflection because this app is compiled
   * against langchain4j-mcp 1.11 (the suite runs it on 1.11 and on newer jars put in its place),
   * which lacks the method; on 1.12 and later it is the plain builder call.
   */
  static void subsidiaryChannel(StreamableHttpMcpTransport.Builder builder) {
    try {
      StreamableHttpMcpTransport.Builder.class
          .getMethod("subsidiaryChannel", boolean.class)
          .invoke(builder, true);
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(
          "--notification-stream on needs langchain4j-mcp 1.12 or later", e);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("could not enable the notification stream", e);
    }
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
