package io.github.mcpkeepalive.springai;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An ordinary Spring Boot 4 / Spring AI 2.0 MCP client application: its MCP connections come only
 * from {@code application.properties} (Spring AI's {@code spring.ai.mcp.client.*} properties),
 * Spring AI builds and initializes one {@code McpSyncClient} per connection, and {@link CallLoop}
 * calls a tool on a schedule, printing the same lines as the plain {@code sample-app}'s {@code
 * SampleApp}. It has no keepalive or retry logic and does not know about the agent.
 *
 * <pre>
 * java -jar sample-spring-ai.jar [--mcp.base-url=http://127.0.0.1:8080] [--app.every=12s]
 *      [--app.calls=5] [--spring.ai.mcp.client.request-timeout=10s]
 * </pre>
 *
 * Exit code: 0 when every call succeeded, 1 when a call failed or the application did not start
 * (Spring Boot logs the startup failure).
 */
@SpringBootApplication
@EnableConfigurationProperties(AppProperties.class)
public class SpringAiSampleApp {

  public static void main(String[] args) {
    ConfigurableApplicationContext context;
    try {
      context = SpringApplication.run(SpringAiSampleApp.class, args);
    } catch (RuntimeException e) {
      // SpringApplication has already logged the failure at ERROR ("Application run failed");
      // leave no non-daemon thread (HTTP clients, schedulers) keeping a dead application alive
      System.exit(1);
      return;
    }
    System.exit(SpringApplication.exit(context));
  }
}
