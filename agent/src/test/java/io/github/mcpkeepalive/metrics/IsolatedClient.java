package io.github.mcpkeepalive.metrics;

/**
 * A client object's class that {@link MetricsPublisherTest} defines in a class loader of its own,
 * which sees neither metrics API.
 */
public final class IsolatedClient {}
