package io.github.mcpkeepalive.springai;

import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * When {@code app.token} is set, every request of both transports carries {@code Authorization:
 * Bearer <token>}, added by a request customizer, as Spring applications usually authenticate to
 * their MCP servers.
 *
 * <p>API difference from the 2.0 app: Spring AI 1.1's HttpClient transport auto-configurations take
 * one {@code McpSyncHttpClientRequestCustomizer} bean (if it is the only one) and give it to every
 * legacy SSE and Streamable HTTP transport they build; 2.0 has no such bean and offers a {@code
 * McpClientCustomizer} per transport builder type instead.
 */
@Configuration
@ConditionalOnProperty("app.token")
public class BearerToken {

  @Bean
  McpSyncHttpClientRequestCustomizer bearerTokenCustomizer(AppProperties app) {
    String token = app.token();
    return (request, method, endpoint, body, context) ->
        request.header("Authorization", "Bearer " + token);
  }
}
