package io.github.mcpkeepalive.e2e;

/**
 * A Spring Boot 4 application with spring-ai-starter-mcp-client-webflux 2.0.0 (Spring AI's
 * WebClient transports over Reactor Netty, MCP Java SDK 2.0.0 inside), its two connections set only
 * in {@code application.properties}, run as its executable jar, through the same scenarios as
 * {@link SpringAiTest}.
 */
class SpringAiWebFluxTest implements StreamScenarios, RecoveryScenarios {

  @Override
  public ClientApp app() {
    return ClientApp.SPRING_AI_WEBFLUX;
  }
}
