package io.github.mcpkeepalive.springai;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * When {@code app.token} is set, every request of both transports carries {@code Authorization:
 * Bearer <token>}, as a default header of Spring Boot's auto-configured {@code WebClient.Builder}.
 *
 * <p>Difference from the HttpClient app: Spring AI 2.0's WebFlux transport auto-configurations
 * build every transport from a clone of the context's {@code WebClient.Builder} (Boot's, with its
 * {@code WebClientCustomizer} beans applied) with the connection's URL as base URL. The {@code
 * McpClientCustomizer} they also offer gets the transport builder, which for legacy SSE ({@code
 * WebFluxSseClientTransport.Builder}) holds its {@code WebClient.Builder} without giving it out: a
 * {@code WebClientCustomizer} is the one hook that reaches both transports. It applies to every
 * {@code WebClient} built from Boot's builder; in this application those are the MCP transports'
 * only.
 */
@Configuration
@ConditionalOnProperty("app.token")
public class BearerToken {

  @Bean
  WebClientCustomizer bearerTokenHeader(AppProperties app) {
    String token = app.token();
    return builder -> builder.defaultHeaders(headers -> headers.setBearerAuth(token));
  }
}
