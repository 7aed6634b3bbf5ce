package io.github.mcpkeepalive.bench;

import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.core.TaskScheduler;
import io.github.mcpkeepalive.core.Ticker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The registry operations of the engine with {@code size} connections registered: finding a
 * connection by an application object (every hooked call does), a read on it, and registering and
 * closing one more. Their cost must not grow with {@code size}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RegistryBenchmark {

  /** Runs tasks at once on the calling thread; delayed tasks never run (no clock in this test). */
  static final class InlineScheduler implements TaskScheduler {
    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
      return () -> {};
    }

    @Override
    public void execute(Runnable task) {
      task.run();
    }
  }

  @Param({"100", "10000"})
  public int size;

  private KeepaliveEngine engine;
  private Object[] keys;
  private Connection[] connections;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
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
    engine = new KeepaliveEngine(settings, Ticker.SYSTEM, new InlineScheduler(), () -> 0.5);
    keys = new Object[size];
    connections = new Connection[size];
    for (int i = 0; i < size; i++) {
      keys[i] = new Object();
      connections[i] =
          engine.register(
              keys[i],
              "bench 1.0",
              "streamable",
              "http://10.0.0.1:8080/mcp",
              new ScaleProbe.InstantDriver(
                  keys[i], new long[0], new java.util.concurrent.atomic.AtomicInteger()));
      engine.onRead(connections[i]);
    }
  }

  private int nextIndex() {
    int i = next + 1;
    next = i == size ? 0 : i;
    return next;
  }

  @Benchmark
  public Connection find() {
    return engine.find(keys[nextIndex()]);
  }

  @Benchmark
  public void read() {
    engine.onRead(connections[nextIndex()]);
  }

  @Benchmark
  public Connection registerAndClose() {
    Object key = new Object();
    Connection c =
        engine.register(
            key,
            "bench 1.0",
            "streamable",
            "http://10.0.0.2:8080/mcp",
            new ScaleProbe.InstantDriver(
                key, new long[0], new java.util.concurrent.atomic.AtomicInteger()));
    engine.onClosed(c);
    return c;
  }
}
