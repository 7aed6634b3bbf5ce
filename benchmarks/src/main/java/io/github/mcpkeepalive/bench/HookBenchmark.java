package io.github.mcpkeepalive.bench;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.DaemonScheduler;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.core.Ticker;
import io.github.mcpkeepalive.instrumentation.mcpsdk.McpSdkInstrumentation;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkHooks;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.util.List;
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
import reactor.core.publisher.Mono;

/**
 * What the agent's hooks do on one MCP call of a Streamable HTTP client, on a real (never
 * connected) MCP Java SDK client registered with the engine: the request method's hook, the request
 * wrapped for a retry on an expired session (and that wrapper subscribed), the hook of the one
 * message read. {@link #callHooks} minus {@link #baseline} is the agent's work per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HookBenchmark {

  private McpAsyncClient client;
  private Object transport;
  private Object initializer;
  private final Mono<String> request = Mono.just("result");

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Log.setLevel(Log.Level.WARN);
    Settings settings =
        new Settings(
            true,
            TimeUnit.SECONDS.toNanos(30),
            TimeUnit.SECONDS.toNanos(10),
            3,
            TimeUnit.SECONDS.toNanos(1),
            TimeUnit.SECONDS.toNanos(300),
            0.1,
            Settings.DEFAULT_BACKOFF_JITTER,
            Log.Level.WARN,
            List.of());
    KeepaliveEngine engine =
        new KeepaliveEngine(settings, Ticker.SYSTEM, new DaemonScheduler(), Math::random);
    AgentRuntime.setEngine(engine);
    // what the weaver does first: decide the library's version range for this class loader
    McpSdkInstrumentation.INSTANCE.moduleFor(HookBenchmark.class.getClassLoader());
    transport =
        HttpClientStreamableHttpTransport.builder("http://127.0.0.1:9").endpoint("/mcp").build();
    client = McpClient.async((HttpClientStreamableHttpTransport) transport).build();
    SdkHooks.asyncClientCreated(client); // what the constructor advice does
    initializer = field(client, "initializer");
    Connection c = engine.find(client);
    engine.onRead(c); // as if initialized: CONNECTED
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (c.state() != ConnectionState.CONNECTED && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    if (c.state() != ConnectionState.CONNECTED) {
      throw new IllegalStateException("connection not CONNECTED: " + c.state());
    }
  }

  private static Object field(Object o, String name) throws ReflectiveOperationException {
    java.lang.reflect.Field f = o.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(o);
  }

  @Benchmark
  public Object baseline() {
    return request.block();
  }

  @Benchmark
  @SuppressWarnings("unchecked")
  public Object callHooks() {
    SdkHooks.asyncClientUsed(client);
    Object wrapped = SdkHooks.retryOnExpiredSession(initializer, request);
    Object result = ((Mono<String>) wrapped).block();
    AgentRuntime.messageRead(transport);
    return result;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
  }
}
