package io.github.mcpkeepalive.e2e;

/**
 * A Spring Boot application with spring-ai-starter-mcp-client 2.0.0 (MCP Java SDK 2.0.0 inside),
 * its two connections set only in {@code application.properties}, run as its executable jar.
 */
class SpringAiTest implements StreamScenarios, RecoveryScenarios {

  @Override
  public ClientApp app() {
    return ClientApp.SPRING_AI;
  }
}
