package io.github.mcpkeepalive.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The client applications the suite runs, one per supported library. Each knows nothing of the
 * agent, talks to both servers of a {@link Rig} (legacy SSE as {@code sse}, Streamable HTTP as
 * {@code http}) with the rig's bearer token, calls the {@code echo} tool on a schedule, and prints
 * the same READY, CALL, NOTIFY and SUMMARY lines, so that every scenario reads them alike.
 */
enum ClientApp {
  MCP_SDK("mcp-java-sdk 2.1.0", true) {
    @Override
    AppProcess launch(
        String label, String agentArgs, Rig rig, String every, int calls, String requestTimeout)
        throws IOException {
      return AppProcess.start(
          label,
          agentArgs,
          "io.github.mcpkeepalive.sample.SampleApp",
          rig.appArgs(every, calls, requestTimeout));
    }
  },

  /**
   * A Spring Boot application with spring-ai-starter-mcp-client 2.0.0 (MCP Java SDK 2.0.0), run as
   * its executable jar.
   */
  SPRING_AI("mcp-java-sdk 2.0.0", true) {
    @Override
    AppProcess launch(
        String label, String agentArgs, Rig rig, String every, int calls, String requestTimeout)
        throws IOException {
      return springAiJar("sample-spring-ai", label, agentArgs, rig, every, calls, requestTimeout);
    }
  },

  /**
   * The same application on Spring Boot 3.5.7 with spring-ai-starter-mcp-client 1.1.7 (MCP Java SDK
   * 0.18.2).
   */
  SPRING_AI_11("mcp-java-sdk 0.18.2", true) {
    @Override
    AppProcess launch(
        String label, String agentArgs, Rig rig, String every, int calls, String requestTimeout)
        throws IOException {
      return springAiJar(
          "sample-spring-ai-1.1", label, agentArgs, rig, every, calls, requestTimeout);
    }
  },

  /**
   * The Spring AI 2.0 application on spring-ai-starter-mcp-client-webflux 2.0.0: Spring AI's
   * WebClient transports (mcp-spring-webflux 2.0.0, MCP Java SDK 2.0.0) over Reactor Netty.
   */
  SPRING_AI_WEBFLUX("mcp-java-sdk 2.0.0 with mcp-spring-webflux 2.0.0", true) {
    @Override
    AppProcess launch(
        String label, String agentArgs, Rig rig, String every, int calls, String requestTimeout)
        throws IOException {
      return springAiJar(
          "sample-spring-ai-webflux", label, agentArgs, rig, every, calls, requestTimeout);
    }
  },

  /**
   * The same WebFlux application on Spring Boot 3.5.7 with spring-ai-starter-mcp-client-webflux
   * 1.1.2: the MCP Java SDK's WebClient transports (mcp-spring-webflux 0.17.0, SDK 0.17.0).
   */
  SPRING_AI_WEBFLUX_11("mcp-java-sdk 0.17.0 with mcp-spring-webflux 0.17.0", true) {
    @Override
    AppProcess launch(
        String label, String agentArgs, Rig rig, String every, int calls, String requestTimeout)
        throws IOException {
      return springAiJar(
          "sample-spring-ai-webflux-1.1", label, agentArgs, rig, every, calls, requestTimeout);
    }
  },

  /**
   * A plain Java application with langchain4j-mcp's DefaultMcpClient on both of its HTTP
   * transports.
   */
  LANGCHAIN4J("langchain4j-mcp 1.11.0-beta19", false) {
    @Override
    AppProcess launch(
        String label, String agentArgs, Rig rig, String every, int calls, String requestTimeout)
        throws IOException {
      return AppProcess.start(
          label,
          agentArgs,
          List.of(),
          AppProcess.moduleClasspath("sample-langchain4j"),
          "io.github.mcpkeepalive.sample.langchain4j.Langchain4jApp",
          rig.appArgs(every, calls, requestTimeout));
    }
  };

  /** How the agent names the library and version in its "discovered" lines. */
  final String library;

  /**
   * Whether the application can count the server's notifications (langchain4j-mcp offers no hook
   * for them, and its Streamable HTTP client opens no notification stream).
   */
  final boolean seesNotifications;

  ClientApp(String library, boolean seesNotifications) {
    this.library = library;
    this.seesNotifications = seesNotifications;
  }

  /**
   * Starts the application against {@code rig}; {@code agentArgs} null: without the agent. Its
   * output is kept in {@code target/e2e-logs/<app>-<label>.log}.
   */
  final AppProcess start(
      String label, String agentArgs, Rig rig, String every, int calls, String requestTimeout)
      throws IOException {
    return launch(
        name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + label,
        agentArgs,
        rig,
        every,
        calls,
        requestTimeout);
  }

  abstract AppProcess launch(
      String label, String agentArgs, Rig rig, String every, int calls, String requestTimeout)
      throws IOException;

  /**
   * A Spring AI sample app's executable jar, its settings given as Spring Boot arguments. The
   * clients are initialized by their first request rather than during the context's start, so that
   * a first initialization too slow for a loaded host is tried again ({@link Rig#STARTUP_RETRY}).
   */
  private static AppProcess springAiJar(
      String module,
      String label,
      String agentArgs,
      Rig rig,
      String every,
      int calls,
      String requestTimeout)
      throws IOException {
    Path jar = Path.of("..", module, "target", module + ".jar").toAbsolutePath().normalize();
    List<String> args =
        List.of(
            "--mcp.base-url=" + rig.base(),
            "--app.token=" + Rig.TOKEN,
            "--app.every=" + every,
            "--app.calls=" + calls,
            "--spring.ai.mcp.client.request-timeout=" + requestTimeout,
            "--spring.ai.mcp.client.initialized=false",
            "--app.startup-retry=" + Rig.STARTUP_RETRY);
    return AppProcess.startApplicationJar(label, agentArgs, jar, args);
  }
}
