package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * What the MCP Java SDK support needs of one transport class of an SDK client: where it connects,
 * and the few fields it swaps to reconnect in place. The SDK's own {@code HttpClient} transports
 * are built in ({@link HttpClientTransports}); the transports other artifacts provide for the same
 * client (Spring's WebClient ones) are added by their library support with {@link #addProvider}.
 */
public abstract class SdkTransport {

  /** The two MCP HTTP transports. */
  public enum Kind {
    SSE,
    STREAMABLE
  }

  private static final List<Function<Class<?>, SdkTransport>> PROVIDERS =
      new CopyOnWriteArrayList<>();

  /**
   * Adds the transports of another artifact: {@code provider} answers for a transport class, or
   * returns null when the class is not one of its own or its support is not applied in that class's
   * loader.
   */
  public static void addProvider(Function<Class<?>, SdkTransport> provider) {
    PROVIDERS.add(provider);
  }

  /** The support for a client's transport class, or null when the agent has none. */
  static SdkTransport forType(Class<?> type) {
    SdkTransport builtIn = HttpClientTransports.forName(type.getName());
    if (builtIn != null) {
      return builtIn;
    }
    for (Function<Class<?>, SdkTransport> p : PROVIDERS) {
      SdkTransport t = p.apply(type);
      if (t != null) {
        return t;
      }
    }
    return null;
  }

  /** Where a transport sends its requests, whatever its kind. */
  @FunctionalInterface
  public interface Endpoint {

    /** The URL the transport connects to, for log lines and per-server settings. */
    String url(Object transport) throws Throwable;

    /**
     * What the agent's "discovered" line adds after the SDK's version for a transport of another
     * artifact (" with mcp-spring-webflux 2.0.0"); empty for the SDK's own.
     */
    default String label(Class<?> transportType) {
      return "";
    }

    /**
     * Before a reconnect after the path went silent: drop the transport's idle pooled connections
     * to the server, which may be dead without knowing it, so that the attempt opens new ones.
     */
    default void dropIdleConnections(Object transport) throws Throwable {}
  }

  private final Kind kind;
  private final Endpoint endpoint;

  protected SdkTransport(Kind kind, Endpoint endpoint) {
    this.kind = kind;
    this.endpoint = endpoint;
  }

  public final Kind kind() {
    return kind;
  }

  /** See {@link Endpoint#url}. */
  public final String url(Object transport) throws Throwable {
    return endpoint.url(transport);
  }

  /** See {@link Endpoint#label}. */
  public final String label(Class<?> transportType) {
    return endpoint.label(transportType);
  }

  /** See {@link Endpoint#dropIdleConnections}. */
  public final void dropIdleConnections(Object transport) throws Throwable {
    endpoint.dropIdleConnections(transport);
  }

  /** A legacy HTTP+SSE transport: its stream subscription and its message-endpoint sink. */
  public abstract static class Sse extends SdkTransport {

    protected Sse(Endpoint endpoint) {
      super(Kind.SSE, endpoint);
    }

    /** The subscription of the SSE stream, or null. */
    public abstract Object stream(Object transport) throws Throwable;

    /** Clears the subscription of the SSE stream and returns it, or null (not disposed). */
    public abstract Object takeStream(Object transport) throws Throwable;

    /** The {@code Sinks.One} that takes the {@code endpoint} event. */
    public abstract Object endpointSink(Object transport) throws Throwable;

    public abstract void endpointSink(Object transport, Object sink) throws Throwable;
  }

  /** A Streamable HTTP transport: its session and its GET notification stream. */
  public abstract static class Streamable extends SdkTransport {

    protected Streamable(Endpoint endpoint) {
      super(Kind.STREAMABLE, endpoint);
    }

    /** The reference that holds the transport's current {@code McpTransportSession}. */
    public abstract AtomicReference<Object> sessionRef(Object transport) throws Throwable;

    /** A new session object, without an id, as the transport makes one. */
    public abstract Object createSession(Object transport) throws Throwable;

    /** The transport's own opening of the GET stream: the {@code Mono} to subscribe. */
    public abstract Object openGetStream(Object transport) throws Throwable;
  }
}
