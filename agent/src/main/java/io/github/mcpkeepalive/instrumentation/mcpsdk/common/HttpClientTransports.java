package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;

/** The MCP Java SDK's own transports on {@code java.net.http}, reached through {@link SdkRefs}. */
final class HttpClientTransports {

  static final SdkTransport.Sse SSE =
      new SdkTransport.Sse(
          tr -> resolve(SdkRefs.SSE_BASE_URI.get(tr), SdkRefs.SSE_ENDPOINT.get(tr))) {
        @Override
        public Object stream(Object tr) throws Throwable {
          return subscription(tr).get();
        }

        @Override
        public Object takeStream(Object tr) throws Throwable {
          return subscription(tr).getAndSet(null);
        }

        @Override
        public Object endpointSink(Object tr) throws Throwable {
          return SdkRefs.SSE_ENDPOINT_SINK.get(tr);
        }

        @Override
        public void endpointSink(Object tr, Object sink) throws Throwable {
          SdkRefs.SSE_ENDPOINT_SINK.set(tr, sink);
        }

        private AtomicReference<?> subscription(Object tr) throws ReflectiveOperationException {
          return (AtomicReference<?>) SdkRefs.SSE_SUBSCRIPTION.get(tr);
        }
      };

  static final SdkTransport.Streamable STREAMABLE =
      new SdkTransport.Streamable(
          tr -> resolve(SdkRefs.HTTP_BASE_URI.get(tr), SdkRefs.HTTP_ENDPOINT.get(tr))) {
        @Override
        @SuppressWarnings("unchecked")
        public AtomicReference<Object> sessionRef(Object tr) throws Throwable {
          return (AtomicReference<Object>) SdkRefs.HTTP_ACTIVE_SESSION.get(tr);
        }

        @Override
        public Object createSession(Object tr) throws Throwable {
          return SdkRefs.HTTP_CREATE_SESSION.invoke(tr);
        }

        @Override
        public Object openGetStream(Object tr) throws Throwable {
          return SdkRefs.HTTP_OPEN_GET_STREAM.invoke(tr, new Object[] {null});
        }
      };

  /** The built-in support for the class named {@code type}, or null. */
  static SdkTransport forName(String type) {
    switch (type) {
      case SdkRefs.SSE_TRANSPORT:
        return SSE;
      case SdkRefs.STREAMABLE_TRANSPORT:
        return STREAMABLE;
      default:
        return null;
    }
  }

  /** {@code path} against {@code base}, or what can be shown of them. */
  static String resolve(Object base, Object path) {
    if (!(base instanceof URI)) {
      return String.valueOf(base);
    }
    try {
      return ((URI) base).resolve(String.valueOf(path)).toString();
    } catch (RuntimeException e) {
      return base.toString();
    }
  }

  private HttpClientTransports() {}
}
