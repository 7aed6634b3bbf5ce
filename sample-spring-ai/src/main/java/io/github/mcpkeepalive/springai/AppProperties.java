package io.github.mcpkeepalive.springai;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The application's own schedule ({@code app.*}): a tool call on every client every {@code every},
 * {@code calls} times, with an optional bearer {@code token} for the servers; a client whose first
 * request fails is tried again for {@code startup-retry} (with {@code
 * spring.ai.mcp.client.initialized=false}, the first request initializes it).
 */
@ConfigurationProperties("app")
public record AppProperties(
    @DefaultValue("12s") Duration every,
    @DefaultValue("5") int calls,
    String token,
    @DefaultValue("0s") Duration startupRetry) {}
