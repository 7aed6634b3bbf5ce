package io.github.mcpkeepalive.e2e;

/** A langchain4j-mcp 1.11.0-beta19 application: DefaultMcpClient over HTTP+SSE (OkHttp) and Streamable HTTP. */
class Langchain4jTest implements StreamScenarios, RecoveryScenarios {

  @Override
  public ClientApp app() {
    return ClientApp.LANGCHAIN4J;
  }
}
