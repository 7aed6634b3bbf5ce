package io.github.mcpkeepalive.springai;

import io.github.mcpkeepalive.sample.support.CallSchedule;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.stereotype.Component;

/**
 * Takes the clients Spring AI built and runs the sample apps' schedule on them ({@link
 * CallSchedule}): for each client in its own thread, the tool {@code echo} every {@code app.every},
 * {@code app.calls} times, with the same output lines as the other sample apps. The exit code
 * (through {@link ExitCodeGenerator}) is 0 when no call failed, else 1. The Spring AI 1.1 app
 * compiles this class too: the calls use only API that MCP Java SDK 0.18 and 2.x share (the
 * three-argument {@code CallToolRequest} constructor; 2.0's {@code builder(String)} is not in
 * 0.18).
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
      throw new IllegalStateException(
          "no MCP connection configured (spring.ai.mcp.client.sse.connections.*, spring.ai.mcp.client.streamable-http.connections.*)");
    }
    List<CallSchedule.Named> sessions = new ArrayList<>();
    for (McpSyncClient client : clients) {
      String name = connectionName(client);
      sessions.add(new CallSchedule.Named(name, new SpringSession(client, name)));
    }
    exitCode =
        CallSchedule.run(sessions, app.every(), app.calls(), app.startupRetry()) == 0 ? 0 : 1;
  }

  @Override
  public int getExitCode() {
    return exitCode;
  }

  /**
   * The connection name ({@code sse}, {@code http}) of a client Spring AI built. Spring AI 1.1.7
   * and 2.0.0 give each sync client the client info {@code Implementation(name =
   * "<spring.ai.mcp.client.name> - <connection>", title = "<connection>", version)}; the title is
   * the connection name, and the name's suffix is the fallback (Spring AI's async clients carry no
   * title).
   */
  String connectionName(McpSyncClient client) {
    McpSchema.Implementation info = client.getClientInfo();
    if (info.title() != null && !info.title().isBlank()) {
      return info.title();
    }
    String prefix = clientName + " - ";
    return info.name().startsWith(prefix) ? info.name().substring(prefix.length()) : info.name();
  }

  /** A client of Spring AI's, closed by Spring when the context ends. */
  private final class SpringSession implements CallSchedule.Session {
    private final McpSyncClient client;
    private final String name;

    SpringSession(McpSyncClient client, String name) {
      this.client = client;
      this.name = name;
    }

    @Override
    public int start() {
      return client.listTools().tools().size();
    }

    @Override
    public String call(int n) {
      McpSchema.CallToolResult result =
          client.callTool(
              new McpSchema.CallToolRequest(
                  "echo", Map.<String, Object>of("text", "call " + n), null));
      return Boolean.TRUE.equals(result.isError()) ? "ToolError" : null;
    }

    @Override
    public int notifications() {
      return notifications.count(name);
    }

    @Override
    public void close() {
      // Spring AI owns the client
    }
  }
}
