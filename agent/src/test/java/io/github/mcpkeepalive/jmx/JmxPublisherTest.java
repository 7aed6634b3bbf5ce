package io.github.mcpkeepalive.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionDriver;
import io.github.mcpkeepalive.core.FailureKind;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.core.TaskScheduler;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JMX views, on a private MBean server: lazy, live, and gone with their connection. */
class JmxPublisherTest {

  final MBeanServer server = MBeanServerFactory.newMBeanServer();
  final AtomicInteger serverAsked = new AtomicInteger();
  final Queue<Runnable> tasks = new ArrayDeque<>();
  final Queue<Runnable> later = new ArrayDeque<>();
  long now = 5_000_000_000L;

  /** Runs tasks when the test says so; time stands still unless moved. */
  final TaskScheduler scheduler =
      new TaskScheduler() {
        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
          (delayNanos == 0 ? tasks : later).add(task);
          return () -> {};
        }

        @Override
        public void execute(Runnable task) {
          tasks.add(task);
        }
      };

  void runTasks() {
    for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
      r.run();
    }
  }

  static final class Driver implements ConnectionDriver {
    @Override
    public CompletableFuture<?> ping() {
      return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<?> reconnect(FailureKind cause) {
      return new CompletableFuture<>();
    }

    @Override
    public boolean isAlive() {
      return true;
    }
  }

  @AfterEach
  void quiet() {
    Log.setSink(null);
  }

  @Test
  void beansAppearWithTheFirstConnectionFollowItAndGoWithIt() throws Exception {
    Log.setSink(l -> {});
    Settings settings =
        new Settings(
            true,
            30_000_000_000L,
            2_000_000_000L,
            3,
            1_000_000_000L,
            60_000_000_000L,
            0.1,
            Settings.DEFAULT_BACKOFF_JITTER,
            Log.Level.INFO,
            List.of());
    KeepaliveEngine engine = new KeepaliveEngine(settings, () -> now, scheduler, () -> 0.5);
    engine.addListener(
        new JmxPublisher(
            engine,
            "9.9",
            () -> {
              serverAsked.incrementAndGet();
              return server;
            },
            scheduler,
            JmxPublisher.PUBLISH_DELAY_NANOS,
            () -> 4000,
            () -> 6));
    runTasks();
    assertEquals(0, serverAsked.get(), "no JMX work before a connection exists");
    assertFalse(server.isRegistered(new ObjectName(JmxPublisher.AGENT_NAME)));

    Connection c =
        engine.register(
            new Object(), "lib 1.0", "sse", "https://h.example.com/sse?token=SECRET", new Driver());
    runTasks();
    assertEquals(
        0,
        serverAsked.get(),
        "JMX is left alone for a while after the first connection (the application is starting)");
    tasks.addAll(later); // the publishing delay has passed
    later.clear();
    runTasks();
    ObjectName name = JmxPublisher.connectionName(c.id());
    assertTrue(server.isRegistered(name));
    assertEquals("NEW", server.getAttribute(name, "State"));
    assertEquals("https://h.example.com/sse", server.getAttribute(name, "Url"));
    assertEquals("lib 1.0", server.getAttribute(name, "Library"));
    assertEquals(30L, server.getAttribute(name, "IntervalSeconds"));
    assertEquals(-1L, server.getAttribute(name, "LastPingRttMillis"));
    assertEquals("", server.getAttribute(name, "LastErrorClass"));

    engine.onRead(c);
    runTasks();
    now += 1_500_000_000L;
    assertEquals("CONNECTED", server.getAttribute(name, "State"), "the bean is a live view");
    assertEquals(1500L, server.getAttribute(name, "MillisInState"));
    engine.onConnectionLost(c, new java.io.EOFException("EOF reached while reading"));
    runTasks();
    assertEquals("RECONNECTING", server.getAttribute(name, "State"));
    assertEquals(1L, server.getAttribute(name, "ReconnectAttempts"));
    assertEquals("EOFException", server.getAttribute(name, "LastErrorClass"));
    assertEquals("EOF reached while reading", server.getAttribute(name, "LastErrorMessage"));

    ObjectName agent = new ObjectName(JmxPublisher.AGENT_NAME);
    assertEquals("9.9", server.getAttribute(agent, "Version"));
    assertEquals(1, server.getAttribute(agent, "ConnectionCount"));
    TabularData perState = (TabularData) server.getAttribute(agent, "ConnectionsPerState");
    assertEquals(
        1,
        perState.values().stream()
            .map(CompositeData.class::cast)
            .filter(r -> "RECONNECTING".equals(r.get("key")))
            .mapToInt(r -> (Integer) r.get("value"))
            .sum());
    assertTrue(((String) server.getAttribute(agent, "Configuration")).contains("interval=30s"));
    assertEquals(4000L, server.getAttribute(agent, "ClassesSeen"));
    assertEquals(6L, server.getAttribute(agent, "ClassesExamined"));
    assertFalse(server.queryNames(null, null).toString().contains("SECRET"));

    engine.onClosed(c);
    runTasks();
    assertFalse(server.isRegistered(name), "unregistered when the connection closes");
    assertEquals(0, server.getAttribute(agent, "ConnectionCount"));
    assertEquals(1, serverAsked.get(), "the server is looked up once");
  }
}
