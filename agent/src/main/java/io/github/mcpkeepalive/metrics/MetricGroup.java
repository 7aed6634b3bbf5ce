package io.github.mcpkeepalive.metrics;

import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.FailureKind;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The connections of one application class loader that share every attribute (server address and
 * port, transport, library): one series per figure. Counters are the sum of the connections' own
 * counts plus what the closed ones had counted, so that they never go down; both are read under
 * this object's lock, the only state shared with the backend's collecting thread.
 *
 * <p>The attributes hold the server's host and port only: never a path, a query string, a header, a
 * token or a session id.
 */
public final class MetricGroup {

  public static final String SERVER_ADDRESS = "server.address";
  public static final String SERVER_PORT = "server.port";
  public static final String TRANSPORT = "mcp.keepalive.transport";
  public static final String LIBRARY = "mcp.keepalive.library";
  public static final String STATE = "mcp.keepalive.state";
  public static final String ERROR_TYPE = "error.type";
  public static final String NETWORK_TRANSPORT = "network.transport";
  public static final String NETWORK_PROTOCOL_NAME = "network.protocol.name";

  /** The states a live connection can be in, one gauge series each. */
  public static final List<ConnectionState> STATES =
      List.of(
          ConnectionState.NEW,
          ConnectionState.CONNECTED,
          ConnectionState.UNHEALTHY,
          ConnectionState.DISCONNECTED,
          ConnectionState.RECONNECTING);

  private final Map<String, Object> attributes;
  private final Map<String, Object> sessionAttributes;
  private final List<Connection> live = new ArrayList<>();
  private final EnumMap<Metric, Long> closed = new EnumMap<>(Metric.class);

  private MetricGroup(Map<String, Object> attributes) {
    this.attributes = Collections.unmodifiableMap(attributes);
    Map<String, Object> session = new LinkedHashMap<>(attributes);
    session.put(NETWORK_PROTOCOL_NAME, "http"); // the agent keeps HTTP transports only
    session.put(NETWORK_TRANSPORT, "tcp");
    this.sessionAttributes = Collections.unmodifiableMap(session);
  }

  /** The attributes of {@code c}'s series: the key of its group. */
  static Map<String, Object> attributesOf(Connection c) {
    Map<String, Object> a = new LinkedHashMap<>();
    try {
      URI u = URI.create(c.url()); // already without user info, query string or fragment
      String host = u.getHost();
      if (host != null) {
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1); // an IPv6 literal, as semconv writes it
        }
        a.put(SERVER_ADDRESS, host);
        int port = u.getPort();
        if (port < 0) {
          port = "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
        }
        a.put(SERVER_PORT, (long) port);
      }
    } catch (RuntimeException unparsable) {
      // no address attributes rather than a raw string
    }
    a.put(TRANSPORT, c.transport());
    a.put(LIBRARY, c.library());
    return a;
  }

  static MetricGroup of(Map<String, Object> attributes) {
    return new MetricGroup(new LinkedHashMap<>(attributes));
  }

  /**
   * Server address and port, transport and library; a {@code String} or a {@code Long} each, in a
   * fixed order.
   */
  public Map<String, Object> attributes() {
    return attributes;
  }

  /**
   * The attributes of {@code mcp.client.session.duration} but {@code error.type}: those above and
   * the semantic conventions' {@code network.protocol.name} ({@code http}) and {@code
   * network.transport} ({@code tcp}).
   */
  public Map<String, Object> sessionAttributes() {
    return sessionAttributes;
  }

  /**
   * The {@code error.type} of a session that ended with {@code failure}: a low-cardinality name of
   * the agent's failure kinds ({@code timeout}, {@code peer_closed}, {@code session_expired} …),
   * the conventions' {@code _OTHER} when none fits; null when the application closed it.
   */
  public static String errorType(FailureKind failure) {
    if (failure == null) {
      return null;
    }
    return failure == FailureKind.OTHER ? "_OTHER" : failure.name().toLowerCase(Locale.ROOT);
  }

  /** A counter's value: every connection's count, closed ones included. */
  public synchronized long count(Metric counter) {
    long sum = closed.getOrDefault(counter, 0L);
    for (Connection c : live) {
      sum += counter.of(c);
    }
    return sum;
  }

  /** How many live connections of this group are in {@code state}. */
  public synchronized long connections(ConnectionState state) {
    long n = 0;
    for (Connection c : live) {
      if (c.state() == state) {
        n++;
      }
    }
    return n;
  }

  synchronized void add(Connection c) {
    live.add(c);
  }

  /** {@code c} closed: what it counted stays in the counters. */
  synchronized void remove(Connection c) {
    if (live.remove(c)) {
      for (Metric m : Metric.values()) {
        if (m.kind == Metric.Kind.COUNTER) {
          closed.merge(m, m.of(c), Long::sum);
        }
      }
    }
  }

  synchronized boolean isEmpty() {
    return live.isEmpty();
  }

  @Override
  public String toString() {
    return attributes.toString();
  }
}
