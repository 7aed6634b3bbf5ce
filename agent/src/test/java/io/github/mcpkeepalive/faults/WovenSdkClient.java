package io.github.mcpkeepalive.faults;

import static io.github.mcpkeepalive.instrumentation.WovenLoader.call;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.instrumentation.WovenLoader;
import io.github.mcpkeepalive.instrumentation.mcpsdk.McpSdkInstrumentation;
import io.github.mcpkeepalive.instrumentation.mcpsdk.v2_1.Sdk21Module;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real MCP Java SDK 2.1 Streamable HTTP client (java.net.http) of the test class path
 * (mcp-core, and mcp-json-jackson3 that it finds with a ServiceLoader), defined again by a loader
 * of its own and woven as the agent weaves it ({@link WovenLoader}), driven as an application
 * drives it: through reflection, its classes being the woven loader's. The engine is the test's
 * ({@link AgentRuntime}).
 */
final class WovenSdkClient implements AutoCloseable {

  // SDK classes named: the woven loader defines them, so the tests never link against them
  private static final String TRANSPORT =
      "io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport";
  private static final String CLIENT = "io.modelcontextprotocol.client.McpClient";
  private static final String CALL_TOOL_REQUEST =
      "io.modelcontextprotocol.spec.McpSchema$CallToolRequest";

  private final WovenLoader loader;
  private Object client;

  WovenSdkClient(ClassLoader parent) throws Exception {
    loader =
        new WovenLoader(
            McpSdkInstrumentation.INSTANCE,
            "io.modelcontextprotocol.",
            parent,
            McpAsyncClient.class,
            JacksonMcpJsonMapper.class);
  }

  /**
   * A sync client of the server at {@code base} (endpoint {@code /mcp}), woven and managed by the
   * agent, initialized; returns it.
   */
  Object connect(String base, Duration requestTimeout, Duration initializationTimeout)
      throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    thread.setContextClassLoader(loader); // the SDK finds its JSON mapper with a ServiceLoader
    try {
      Object builder = call(loader.type(TRANSPORT), "builder", base);
      call(builder, "endpoint", "/mcp");
      Object spec = call(loader.type(CLIENT), "sync", call(builder, "build"));
      call(spec, "requestTimeout", requestTimeout);
      call(spec, "initializationTimeout", initializationTimeout);
      client = call(spec, "build");
    } finally {
      thread.setContextClassLoader(context);
    }
    assertInstanceOf(
        Sdk21Module.class,
        McpSdkInstrumentation.INSTANCE.applied(loader),
        "woven with the 2.1 range");
    assertNotNull(AgentRuntime.engine().find(client), "the woven constructors registered it");
    call(client, "initialize");
    return client;
  }

  /** The client {@link #connect} made, or null. */
  Object client() {
    return client;
  }

  /** The application calls the tool {@code echo} on a thread of {@code application}; its text. */
  CompletableFuture<String> callTool(Executor application) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            Object builder = call(loader.type(CALL_TOOL_REQUEST), "builder", "echo");
            call(builder, "arguments", Map.of("text", "hi"));
            Object result = call(client, "callTool", call(builder, "build"));
            Object first = ((List<?>) call(result, "content")).get(0);
            return (String) call(first, "text");
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        application);
  }

  /** The call's result, waited for at most {@code wait}; a failure is the test's. */
  static String succeeds(CompletableFuture<String> call, Duration wait) throws Exception {
    try {
      return call.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the call failed: " + FaultTests.trace(e.getCause()), e.getCause());
    }
  }

  /** Why the call failed, waited for at most {@code wait}; a success or no end is the test's. */
  static Throwable fails(CompletableFuture<String> call, Duration wait) throws Exception {
    try {
      String text = call.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("the call succeeded: " + text);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("the call still waits after " + wait, e);
    }
  }

  /** Closes the client, if one was made, then the loader. */
  @Override
  public void close() throws Exception {
    try {
      if (client != null) {
        call(client, "close");
      }
    } finally {
      loader.close();
    }
  }
}
