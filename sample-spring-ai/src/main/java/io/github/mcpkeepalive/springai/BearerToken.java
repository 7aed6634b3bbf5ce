package io.github.mcpkeepalive.springai;

import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import org.springframework.ai.mcp.customizer.McpClientCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * When {@code app.token} is set, every request of both transports carries {@code Authorization:
 * Bearer <token>}, added by a request customizer, as Spring applications usually authenticate to
 * their MCP servers.
 */
@Configuration
@ConditionalOnProperty("app.token")
// Spring AI 2.0 deprecates its legacy SSE transport configuration; this app still uses it
@SuppressWarnings("deprecation")
public class BearerToken {

  private static McpSyncHttpClientRequestCustomizer bearer(String token) {
    return (request, method, endpoint, body, context) ->
        request.header("Authorization", "Bearer " + token);
  }

  @Bean
  McpClientCustomizer<HttpClientSseClientTransport.Builder> sseBearerToken(AppProperties app) {
    return (connection, builder) -> builder.httpRequestCustomizer(bearer(app.token()));
  }

  @Bean
  McpClientCustomizer<HttpClientStreamableHttpTransport.Builder> streamableBearerToken(
      AppProperties app) {
    return (connection, builder) -> builder.httpRequestCustomizer(bearer(app.token()));
  }
}
