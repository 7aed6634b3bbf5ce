package io.github.mcpkeepalive.jmx;

import java.util.Map;

/** The agent as a whole: {@code mcp.keepalive:type=Agent}. Read-only. */
public interface AgentStatusMXBean {

  String getVersion();

  int getConnectionCount();

  /** Number of connections in each state, every state listed. */
  Map<String, Integer> getConnectionsPerState();

  /** The effective configuration, as in the start banner (no secrets). */
  String getConfiguration();

  long getIntervalSeconds();

  long getPingTimeoutSeconds();

  int getFailureThreshold();

  double getBackoffInitialSeconds();

  double getBackoffMaxSeconds();

  double getJitter();

  /** Classes the JVM defined or retransformed since the agent started (each one name lookup). */
  long getClassesSeen();

  /** Of those, the classes handed to Byte Buddy's matchers: only the instrumented ones. */
  long getClassesExamined();
}
