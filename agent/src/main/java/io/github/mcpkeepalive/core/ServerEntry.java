package io.github.mcpkeepalive.core;

import java.net.URI;
import java.util.Locale;

/**
 * One MCP server from the JSON configuration ({@code name, url, type, keepalive_interval, headers,
 * enabled}). It applies to the connections whose URL it matches (same scheme, host and port, and
 * its path a prefix of theirs). {@code headers} are read but never used nor logged: the agent pings
 * through the application's own client, whose headers and auth already apply.
 */
public final class ServerEntry {

  private final String name;
  private final String url;
  private final String type;
  private final Long intervalNanos;
  private final boolean enabled;
  private final URI uri;

  public ServerEntry(String name, String url, String type, Long intervalNanos, boolean enabled) {
    this.name = name;
    this.url = url;
    this.type = type == null ? null : normalizeType(type);
    this.intervalNanos = intervalNanos;
    this.enabled = enabled;
    this.uri = URI.create(url.trim());
  }

  /** Maps the type spellings of MCP client configs to {@code sse} or {@code streamable}. */
  public static String normalizeType(String type) {
    String t = type.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    switch (t) {
      case "sse":
        return "sse";
      case "http":
      case "streamable":
      case "streamable-http":
      case "streamablehttp":
        return "streamable";
      default:
        return t;
    }
  }

  public String name() {
    return name;
  }

  public String url() {
    return url;
  }

  public String type() {
    return type;
  }

  public Long intervalNanos() {
    return intervalNanos;
  }

  public boolean enabled() {
    return enabled;
  }

  /** How well this entry matches a connection URL: -1 no match, else the matched path length. */
  public int matchScore(String connectionUrl, String connectionType) {
    if (connectionUrl == null) {
      return -1;
    }
    URI other;
    try {
      other = URI.create(connectionUrl.trim());
    } catch (IllegalArgumentException e) {
      return -1;
    }
    if (!eq(uri.getScheme(), other.getScheme())
        || !eq(uri.getHost(), other.getHost())
        || port(uri) != port(other)) {
      return -1;
    }
    if (type != null && connectionType != null && !type.equals(connectionType)) {
      return -1;
    }
    String p = trimSlash(uri.getPath());
    String q = trimSlash(other.getPath());
    if (p.isEmpty()) {
      return 0;
    }
    return (q.equals(p) || q.startsWith(p + "/")) ? p.length() : -1;
  }

  private static boolean eq(String a, String b) {
    return a == null ? b == null : a.equalsIgnoreCase(b);
  }

  private static String trimSlash(String path) {
    String p = path == null ? "" : path;
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  @Override
  public String toString() {
    return (name == null ? "" : name + " ") + Redact.url(url);
  }
}
