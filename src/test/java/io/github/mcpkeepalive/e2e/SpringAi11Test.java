package io.github.mcpkeepalive.e2e;

/**
 * A Spring Boot 3.5 application with spring-ai-starter-mcp-client 1.1.7 (MCP Java SDK 0.18.2
 * inside), its two connections set only in {@code application.properties}, run as its executable
 * jar: the Spring AI line most applications run today, through the same scenarios as {@link
 * SpringAiTest}.
 */
class SpringAi11Test implements StreamScenarios, RecoveryScenarios {

  @Override
  public ClientApp app() {
    return ClientApp.SPRING_AI_11;
  }
}
