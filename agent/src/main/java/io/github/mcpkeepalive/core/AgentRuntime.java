package io.github.mcpkeepalive.core;

/**
 * Holds the one engine of this JVM for the instrumentation hooks (set by the agent's entry point
 * once it has started), and finds what a hook needs: the managed connection behind any object the
 * library hands it (client, transport, session), with its driver.
 */
public final class AgentRuntime {

  private static volatile KeepaliveEngine engine;

  private AgentRuntime() {}

  /** The engine, or null while the agent is not (or no longer) running. */
  public static KeepaliveEngine engine() {
    return engine;
  }

  public static void setEngine(KeepaliveEngine e) {
    engine = e;
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
