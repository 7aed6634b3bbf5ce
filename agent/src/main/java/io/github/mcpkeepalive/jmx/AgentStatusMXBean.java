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

  /**
   * Classes the JVM defined or retransformed while the agent watched class loads (each one name
   * lookup): at the start only, with {@code watch_class_loads=start} and an MCP library on the
   * class path.
   */
  long getClassesSeen();

  /** Of those, the classes looked at beyond their name: only the instrumented ones. */
  long getClassesExamined();
}
