package io.github.mcpkeepalive.core;

/**
 * Told on the scheduler thread when a connection appears and when it is closed (status tooling).
 */
public interface ConnectionListener {

  void registered(Connection c);

  void closed(Connection c);
}
