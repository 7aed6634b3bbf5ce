package io.github.mcpkeepalive.instrumentation.langchain4j.common;

/**
 * What a version range keeps for one managed client beside its driver (the notification stream,
 * from 1.12), told of the session's events.
 */
public interface SessionListener {

  /** The session answered: a ping, or a reconnect. */
  void sessionHealthy();

  /** The application closed the client. */
  void clientClosed();
}
