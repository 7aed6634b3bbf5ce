package io.github.mcpkeepalive.instrumentation.webflux.common;

import io.github.mcpkeepalive.core.LibraryVersion;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkTransport;
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
    this.sse =
        new Sse() {
          @Override
          public String url(Object tr) throws Throwable {
            return WebClients.url(refs.sseWebClient.get(tr), refs.sseEndpoint.get(tr));
          }

          @Override
          public String label(Class<?> type) {
            return labelOf(version, type);
          }

          @Override
          public void dropIdleConnections(Object tr) throws Throwable {
            WebClients.dropIdleConnections(refs.sseWebClient.get(tr), url(tr));
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
        };
    this.streamable =
        new Streamable() {
          @Override
          public String url(Object tr) throws Throwable {
            return WebClients.url(refs.httpWebClient.get(tr), refs.httpEndpoint.get(tr));
          }

          @Override
          public String label(Class<?> type) {
            return labelOf(version, type);
          }

          @Override
          public void dropIdleConnections(Object tr) throws Throwable {
            WebClients.dropIdleConnections(refs.httpWebClient.get(tr), url(tr));
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
        };
  }

  private static String labelOf(LibraryVersion version, Class<?> type) {
    return " with mcp-spring-webflux " + version.of(type);
  }

  private abstract static class Sse extends SdkTransport.Sse implements OnWebClient {}

  private abstract static class Streamable extends SdkTransport.Streamable implements OnWebClient {}
}
