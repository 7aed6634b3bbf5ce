package io.github.mcpkeepalive.agent;

import io.github.mcpkeepalive.core.KeepaliveEngine;

/** Holds the one engine of this JVM for the instrumentation hooks. */
public final class AgentRuntime {

  private static volatile KeepaliveEngine engine;

  private AgentRuntime() {}

  public static KeepaliveEngine engine() {
    return engine;
  }

  static void setEngine(KeepaliveEngine e) {
    engine = e;
  }
}
