package io.github.mcpkeepalive.core;

/** What a failure says about the connection; decides how the agent reacts. */
public enum FailureKind {
  /** The peer (server or a proxy) ended the stream or the connection: reconnect at once. */
  PEER_CLOSED("closed by peer"),
  /** The TCP connection was reset. */
  RESET("connection reset"),
  /** Nothing listens at the address (connection refused, unknown host, no route). */
  UNREACHABLE("unreachable"),
  /** No answer in time: a blackholed path or an overloaded server. */
  TIMEOUT("timeout"),
  /**
   * The server no longer knows the session (404, or 400 on a request that carried a session id).
   */
  SESSION_EXPIRED("session expired"),
  /** 401 or 403: retrying fast will not help; back off at the cap. */
  AUTH("authentication rejected"),
  OTHER("error");

  private final String label;

  FailureKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
