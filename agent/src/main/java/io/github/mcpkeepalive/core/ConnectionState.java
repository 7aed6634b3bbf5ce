package io.github.mcpkeepalive.core;

/** Life of one MCP client connection as the agent sees it. */
public enum ConnectionState {
  /** Discovered, but the application has not initialized the session yet: nothing is sent. */
  NEW,
  CONNECTED,
  /** At least one keepalive ping failed, fewer than {@code failure_threshold}. */
  UNHEALTHY,
  /** The connection is known to be broken; a reconnect attempt is scheduled. */
  DISCONNECTED,
  /** A reconnect attempt (re-open the stream, re-initialize the session) is under way. */
  RECONNECTING,
  /** The application closed the client, or the client was garbage-collected. Final. */
  CLOSED
}
