package io.github.mcpkeepalive.instrumentation.webflux.common;

import io.github.mcpkeepalive.core.LibraryVersion;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkTransport;
import io.github.mcpkeepalive.instrumentation.refs.FieldRef;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The WebClient transports of one range, as the MCP Java SDK support sees a client's transport: the
 * same swaps as for the SDK's HttpClient transports, on these classes' fields, and the Reactor
 * Netty pool dropped before a reconnect after the path went silent.
 */
final class WebFluxTransports {

  /** Marks the transports of this support (they run on a WebClient). */
  interface OnWebClient {}

  final SdkTransport.Sse sse;
  final SdkTransport.Streamable streamable;

  WebFluxTransports(WebFluxRefs refs, LibraryVersion version) {
    this.sse = new Sse(refs, new OnClient(refs.sseWebClient, refs.sseEndpoint, version));
    this.streamable =
        new Streamable(refs, new OnClient(refs.httpWebClient, refs.httpEndpoint, version));
  }

  /** Where a transport sends its requests: its WebClient and the path it gives it. */
  private record OnClient(FieldRef webClient, FieldRef path, LibraryVersion version)
      implements SdkTransport.Endpoint {

    @Override
    public String url(Object tr) throws Throwable {
      return WebClients.url(webClient.get(tr), path.get(tr));
    }

    @Override
    public String label(Class<?> type) {
      return " with mcp-spring-webflux " + version.of(type);
    }

    @Override
    public void dropIdleConnections(Object tr) throws Throwable {
      WebClients.dropIdleConnections(webClient.get(tr), url(tr));
    }
  }

  /** {@code WebFluxSseClientTransport}: a plain subscription field, the endpoint sink. */
  private static final class Sse extends SdkTransport.Sse implements OnWebClient {
    private final WebFluxRefs refs;

    Sse(WebFluxRefs refs, OnClient endpoint) {
      super(endpoint);
      this.refs = refs;
    }

    @Override
    public Object stream(Object tr) throws Throwable {
      return refs.sseSubscription.get(tr);
    }

    @Override
    public Object takeStream(Object tr) throws Throwable {
      Object sub = refs.sseSubscription.get(tr);
      refs.sseSubscription.set(tr, null);
      return sub;
    }

    @Override
    public Object endpointSink(Object tr) throws Throwable {
      return refs.sseEndpointSink.get(tr);
    }

    @Override
    public void endpointSink(Object tr, Object sink) throws Throwable {
      refs.sseEndpointSink.set(tr, sink);
    }
  }

  /** {@code WebClientStreamableHttpTransport}: the SDK's session shapes. */
  private static final class Streamable extends SdkTransport.Streamable implements OnWebClient {
    private final WebFluxRefs refs;

    Streamable(WebFluxRefs refs, OnClient endpoint) {
      super(endpoint);
      this.refs = refs;
    }

    @Override
    @SuppressWarnings("unchecked")
    public AtomicReference<Object> sessionRef(Object tr) throws Throwable {
      return (AtomicReference<Object>) refs.httpActiveSession.get(tr);
    }

    @Override
    public Object createSession(Object tr) throws Throwable {
      return refs.httpCreateSession.invoke(tr);
    }

    @Override
    public Object openGetStream(Object tr) throws Throwable {
      return refs.httpOpenGetStream.invoke(tr, new Object[] {null});
    }
  }
}
