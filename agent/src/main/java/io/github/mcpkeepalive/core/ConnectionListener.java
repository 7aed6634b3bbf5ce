package io.github.mcpkeepalive.core;

/**
 * Told on the scheduler thread when a connection appears and when it is closed (status tooling),
 * and of what happens to it in between (metrics). A listener must return quickly: it runs on the
 * thread that pings and reconnects every connection.
 */
public interface ConnectionListener {

  void registered(Connection c);

  void closed(Connection c);

  /** A ping was answered after {@code rttNanos}. */
  default void pingAnswered(Connection c, long rttNanos) {}

  /**
   * The connection is CONNECTED again, {@code nanos} after it left CONNECTED (a ping that went
   * unanswered, a stream cut, a lost session), whether traffic or a reconnect brought it back.
   */
  default void recovered(Connection c, long nanos) {}

  /**
   * A session ended after {@code nanos}: from the moment the connection was CONNECTED with it until
   * the connection was found broken ({@code failure}: why) or closed by the application ({@code
   * failure} null).
   */
  default void sessionEnded(Connection c, long nanos, FailureKind failure) {}
}
