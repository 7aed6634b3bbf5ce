package io.github.mcpkeepalive.e2e;

/**
 * A Spring Boot 3.5 application with spring-ai-starter-mcp-client-webflux 1.1.2 (the MCP Java SDK's
 * WebClient transports from mcp-spring-webflux 0.17.0, over Reactor Netty), its two connections set
 * only in {@code application.properties}, run as its executable jar, through the same scenarios as
 * {@link SpringAi11Test}.
 */
class SpringAiWebFlux11Test implements StreamScenarios, RecoveryScenarios {

  @Override
  public ClientApp app() {
    return ClientApp.SPRING_AI_WEBFLUX_11;
  }
}
