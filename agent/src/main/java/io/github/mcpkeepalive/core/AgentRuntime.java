package io.github.mcpkeepalive.core;

import java.util.concurrent.TimeUnit;

/**
 * Holds the one engine of this JVM for the instrumentation hooks (set by the agent's entry point
 * once it has started), and finds what a hook needs: the managed connection behind any object the
 * library hands it (client, transport, session), with its driver.
 */
public final class AgentRuntime {

  /**
   * How long anything waits for the agent's set-up: a hook for the engine, a class to weave for the
   * libraries.
   */
  public static final long SET_UP_WAIT_SECONDS = 30;

  private static volatile KeepaliveEngine engine;

  /** The agent's set-up thread while it runs (hooks wait for it), else null. */
  private static volatile Thread settingUp;

  private static final Object SET_UP = new Object();

  private AgentRuntime() {}

  /**
   * The engine, or null while the agent is not (or no longer) running. While the agent's set-up
   * runs ({@link #settingUp}), which hands the libraries to the weaver before it builds the engine,
   * a hook that asks waits for it: a client constructed in between is registered all the same.
   */
  public static KeepaliveEngine engine() {
    KeepaliveEngine e = engine;
    return e != null || settingUp == null ? e : awaitSetUp();
  }

  private static KeepaliveEngine awaitSetUp() {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SET_UP_WAIT_SECONDS);
    synchronized (SET_UP) {
      Thread t = settingUp;
      while (t != null && t != Thread.currentThread() && engine == null) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          Log.once(
              Log.Level.WARN,
              "engine-wait",
              "the agent's set-up took more than "
                  + SET_UP_WAIT_SECONDS
                  + " s; MCP clients created meanwhile run without keepalive");
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(SET_UP, left);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          break;
        }
        t = settingUp;
      }
    }
    return engine;
  }

  /** The agent's set-up runs on {@code thread} (null: it has ended, with or without an engine). */
  public static void settingUp(Thread thread) {
    synchronized (SET_UP) {
      settingUp = thread;
      SET_UP.notifyAll();
    }
  }

  public static void setEngine(KeepaliveEngine e) {
    synchronized (SET_UP) {
      engine = e;
      SET_UP.notifyAll();
    }
  }

  /**
   * The connection registered for {@code key} whose driver is a {@code driverType}, or null (no
   * engine, an unknown object, or another library's connection).
   */
  public static <D extends ConnectionDriver> Managed<D> managed(Object key, Class<D> driverType) {
    KeepaliveEngine e = engine;
    Connection c = e == null || key == null ? null : e.find(key);
    return c != null && driverType.isInstance(c.driver())
        ? new Managed<>(e, c, driverType.cast(c.driver()))
        : null;
  }

  /** A managed connection as a hook finds it: the engine to tell, the connection, its driver. */
  public record Managed<D extends ConnectionDriver>(
      KeepaliveEngine engine, Connection connection, D driver) {}

  /**
   * A message was read on the connection registered for {@code key} (a transport): the hook every
   * library's read advice calls, on the path of every message. Never throws.
   */
  public static void messageRead(Object key) {
    try {
      KeepaliveEngine e = engine;
      if (e != null) {
        e.onReadOf(key);
      }
    } catch (Throwable t) {
      internalError("agent", "message tracking", t);
    }
  }

  /**
   * Logs, once per kind, an error of the agent's own inside a hook: the hook has already caught it,
   * and the application thread goes on unaffected.
   */
  public static void internalError(String library, String what, Throwable t) {
    Log.once(
        Log.Level.WARN,
        library + "-internal-" + what + t.getClass().getName(),
        "internal error during "
            + what
            + " ("
            + library
            + " support), the application is unaffected: "
            + Redact.error(t));
  }
}
