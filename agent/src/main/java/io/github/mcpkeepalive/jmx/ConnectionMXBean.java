package io.github.mcpkeepalive.jmx;

/** One MCP connection: {@code mcp.keepalive:type=Connection,name=<id>}. Read-only. */
public interface ConnectionMXBean {

  String getId();

  /** The name of the matching server entry of the configuration, or empty. */
  String getName();

  String getLibrary();

  String getTransport();

  /** Without user info, query string or fragment. */
  String getUrl();

  String getState();

  long getMillisInState();

  long getIntervalSeconds();

  /** The round trip of the last answered ping, or -1 before the first one. */
  long getLastPingRttMillis();

  long getPingsSent();

  long getPingsFailed();

  long getReconnectAttempts();

  long getReconnectSuccesses();

  /** Simple class name of the last failure, or empty. */
  String getLastErrorClass();

  /** Message of the last failure, redacted, or empty. */
  String getLastErrorMessage();
}
