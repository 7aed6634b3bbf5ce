package io.github.mcpkeepalive.e2e;

/** The recovery scenarios on the MCP Java SDK 2.1.0 sample application. */
class McpSdkRecoveryTest implements RecoveryScenarios {

  @Override
  public ClientApp app() {
    return ClientApp.MCP_SDK;
  }
}
