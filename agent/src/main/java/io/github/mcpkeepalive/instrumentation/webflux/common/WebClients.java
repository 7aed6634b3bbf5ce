package io.github.mcpkeepalive.instrumentation.webflux.common;

import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;

/** What the agent reads from a transport's {@code WebClient}: its URL and its connection pool. */
final class WebClients {

  private WebClients() {}

  /**
   * The URL {@code webClient} sends a request for {@code path} to (its base URL and the path), or
   * the path alone when the client is not Spring's default one.
   */
  static String url(Object webClient, Object path) throws Throwable {
    String p = String.valueOf(path);
    if (webClient == null
        || !WebFluxRefs.DEFAULT_WEB_CLIENT_CLASS.equals(webClient.getClass().getName())) {
      return p;
    }
    Object factory = WebFluxRefs.WEB_CLIENT_URI_FACTORY.get(webClient);
    Object builder = WebFluxRefs.URI_FACTORY_URI_STRING.invoke(factory, p);
    return String.valueOf(WebFluxRefs.URI_BUILDER_BUILD.invoke(builder, Map.of()));
  }

  /**
   * Drops the idle connections of {@code webClient}'s Reactor Netty pool to the host and port of
   * {@code url}: after a silent drop they look open and a new request would be written into a dead
   * socket. Connections in use are left to their requests; other hosts are not touched. Does
   * nothing (one debug line) for a client that is not on Reactor Netty or wraps its exchange.
   */
  static void dropIdleConnections(Object webClient, String url) throws Throwable {
    Object pool = pool(webClient);
    URI uri = URI.create(url);
    if (pool == null || uri.getHost() == null) {
      Log.CONNECTION.debug(
          "no Reactor Netty pool found behind the WebClient; idle connections kept");
      return;
    }
    int port =
        uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    WebFluxRefs.POOL_DISPOSE_WHEN.invoke(
        pool, InetSocketAddress.createUnresolved(uri.getHost(), port));
    Log.CONNECTION.debug(
        "dropped the idle pooled connections to " + Redact.url(uri.getHost() + ":" + port));
  }

  /** The {@code ConnectionProvider} behind a default WebClient on Reactor Netty, or null. */
  private static Object pool(Object webClient) throws Throwable {
    if (webClient == null
        || !WebFluxRefs.DEFAULT_WEB_CLIENT_CLASS.equals(webClient.getClass().getName())) {
      return null;
    }
    Object exchange = WebFluxRefs.WEB_CLIENT_EXCHANGE.get(webClient);
    if (exchange == null
        || !WebFluxRefs.EXCHANGE_FUNCTION_CLASS.equals(exchange.getClass().getName())) {
      return null; // filters wrap the exchange function in lambdas
    }
    Object connector = WebFluxRefs.EXCHANGE_CONNECTOR.get(exchange);
    if (connector == null
        || !WebFluxRefs.REACTOR_CONNECTOR_CLASS.equals(connector.getClass().getName())) {
      return null;
    }
    Object httpClient = WebFluxRefs.CONNECTOR_HTTP_CLIENT.get(connector);
    if (httpClient == null) {
      return null; // created lazily with the first request: nothing pooled yet
    }
    Object config = WebFluxRefs.NETTY_CONFIGURATION.invoke(httpClient);
    return WebFluxRefs.NETTY_CONNECTION_PROVIDER.invoke(config);
  }
}
