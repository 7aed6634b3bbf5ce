package io.github.mcpkeepalive.springai;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.reactive.function.client.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * When {@code app.token} is set, every request of both transports carries {@code Authorization:
 * Bearer <token>}, as a default header of Spring Boot's auto-configured {@code WebClient.Builder}.
 *
 * <p>Difference from the HttpClient app: Spring AI 1.1's WebFlux transport auto-configurations
 * offer no customizer of their own (no request customizer bean, no transport builder customizer);
 * they build every transport from a clone of the context's {@code WebClient.Builder} (Boot's, with
 * its {@code WebClientCustomizer} beans applied) with the connection's URL as base URL. It applies
 * to every {@code WebClient} built from Boot's builder; in this application those are the MCP
 * transports' only. Same bean as the 2.0 WebFlux app's, where Boot 4 moved {@code
 * WebClientCustomizer} to {@code org.springframework.boot.webclient}.
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
