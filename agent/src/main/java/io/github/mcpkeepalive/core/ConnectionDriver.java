package io.github.mcpkeepalive.core;

import java.util.concurrent.CompletableFuture;

/**
 * What one instrumented library offers the core for one client: ping it through its own request
 * path, and re-establish its connection in place. Implementations hold the application's objects
 * only weakly.
 */
public interface ConnectionDriver {

  /** Sends an MCP {@code ping} through the application's client; completes when answered. */
  CompletableFuture<?> ping();

  /**
   * Re-establishes the connection and re-initializes the MCP session inside the same client object;
   * completes when the session answers again.
   *
   * @param cause what broke the connection, so the driver can choose how much to reset
   */
  CompletableFuture<?> reconnect(FailureKind cause);

  /** False once the application's client is gone (closed or garbage-collected). */
  boolean isAlive();

  /** Whether the last request carried a session id (then a 400 means the session expired). */
  default boolean sessionIdSent() {
    return false;
  }

  /** A ping or reconnect attempt timed out and was cancelled: release what it left behind. */
  default void abandon() {}

  /** Called on the scheduler thread after a successful ping or reconnect. */
  default void onHealthy() {}
}
