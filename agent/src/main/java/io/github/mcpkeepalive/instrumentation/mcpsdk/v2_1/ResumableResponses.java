package io.github.mcpkeepalive.instrumentation.mcpsdk.v2_1;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.AgentRuntime.Managed;
import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.core.SseFields;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkDriver;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkHooks;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkRefs;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLSession;

/**
 * Resumption of a request's response stream (MCP 2025-11-25, SEP-1699), which the MCP Java SDK 2.1
 * does not do: a server may end the SSE stream that answers a POST after an event with an id and
 * before the response; the client must wait the stream's {@code retry:} delay and then resume with
 * a GET carrying {@code Last-Event-ID}, on which the server sends the rest. The SDK drops the
 * priming event's id, never reads {@code retry:}, and leaves the request waiting until its timeout.
 *
 * <p>For a request of a managed client whose POST is answered with an event stream, the agent reads
 * the stream's {@code id:} and {@code retry:} lines beside the SDK ({@link SseFields}); when the
 * stream ends cleanly without a response and an id was seen, it waits the delay and opens the GET
 * through the transport's own {@code reconnect(stream)}, with a stream object of the SDK that holds
 * the id, so the application's headers, customizer and protocol version apply and the response read
 * on it completes the waiting request. A stream broken by an error is not resumed (a cut path or a
 * restarted server: the SDK's own failure is kept).
 */
public final class ResumableResponses {

  /** The delay when the server sent no {@code retry:} field. */
  static final long DEFAULT_RETRY_MILLIS = 1000;

  /** The longest {@code retry:} delay honoured: a request waits no longer to be resumed. */
  static final long MAX_RETRY_MILLIS = 60_000;

  private static final Consumer<Object> IGNORE = x -> {};

  private ResumableResponses() {}

  /** What the agent knows of one POST's event stream. */
  static final class Tap {
    final WeakReference<Object> transport; // a closed client is not kept for a pending resume
    final Object context; // the reactor ContextView the POST was sent with
    final Connection connection;
    final SseFields fields = new SseFields();
    volatile boolean answered;

    Tap(Object transport, Object context, Connection connection) {
      this.transport = new WeakReference<>(transport);
      this.context = context;
      this.connection = connection;
    }
  }

  /**
   * Woven at the start of the POST response handler: reads the status, and answers the response the
   * SDK is to read, tapped when it is an event stream that may need resuming.
   */
  public static Object responseArrived(
      Object transport, Object sink, Object message, Object response) {
    try {
      SdkHooks.postAnswered(transport, response);
      Object tap = tap(transport, sink, message, response);
      return tap == null ? response : tapped(tap, response);
    } catch (Throwable t) {
      AgentRuntime.internalError("MCP Java SDK", "response stream tap", t);
      return response;
    }
  }

  /**
   * Woven before the POST response handler returns {@code stream}: for a tapped response, the
   * stream watched.
   */
  public static Object responseRead(Object response, Object stream) {
    try {
      return response instanceof TappedResponse t ? watch(t.tap, stream) : stream;
    } catch (Throwable t) {
      AgentRuntime.internalError("MCP Java SDK", "response stream watch", t);
      return stream;
    }
  }

  /**
   * The POST of {@code message} was answered with {@code response}: a tap when it is an event
   * stream that may need resuming (a request of a managed client whose transport resumes streams),
   * else null.
   */
  static Object tap(Object transport, Object sink, Object message, Object response) {
    try {
      if (!(response instanceof HttpResponse)
          || message == null
          || !Sdk21Module.JSONRPC_REQUEST.equals(message.getClass().getName())) {
        return null;
      }
      HttpResponse<?> r = (HttpResponse<?>) response;
      if (r.statusCode() / 100 != 2
          || !r.headers()
              .firstValue("Content-Type")
              .orElse("")
              .toLowerCase(java.util.Locale.ROOT)
              .contains("text/event-stream")) {
        return null;
      }
      Managed<SdkDriver> m = AgentRuntime.managed(transport, SdkDriver.class);
      if (m == null || !Boolean.TRUE.equals(Sdk21Module.RESUMABLE_STREAMS.get(transport))) {
        return null;
      }
      Object context = SdkRefs.SINK_CONTEXT_VIEW.invoke(sink);
      return new Tap(transport, context, m.connection());
    } catch (Throwable t) {
      AgentRuntime.internalError("MCP Java SDK", "response stream tap", t);
      return null;
    }
  }

  /** The response the SDK reads instead of {@code response}: the same, its body read beside. */
  @SuppressWarnings("unchecked")
  static Object tapped(Object tap, Object response) {
    return new TappedResponse((HttpResponse<Flow.Publisher<List<ByteBuffer>>>) response, (Tap) tap);
  }

  /**
   * The POST's message stream ({@code Flux<Optional<JSONRPCMessage>>}), watched: a response read on
   * it settles the request; a clean end without one, after an event with an id, resumes it.
   */
  static Object watch(Object tapObject, Object flux) {
    if (flux == null) {
      return null;
    }
    try {
      Tap tap = (Tap) tapObject;
      Consumer<Object> onMessage =
          item -> {
            if (item instanceof Optional<?> o
                && o.isPresent()
                && Sdk21Module.JSONRPC_RESPONSE.equals(o.get().getClass().getName())) {
              tap.answered = true;
            }
          };
      Runnable onComplete = () -> ended(tap);
      Object watched = Sdk21Module.FLUX_DO_ON_NEXT.invoke(flux, onMessage);
      return Sdk21Module.FLUX_DO_ON_COMPLETE.invoke(watched, onComplete);
    } catch (Throwable t) {
      AgentRuntime.internalError("MCP Java SDK", "response stream watch", t);
      return flux;
    }
  }

  private static void ended(Tap tap) {
    try {
      String lastId = tap.fields.lastId();
      if (tap.answered || lastId == null) {
        return; // answered, or nothing to resume from (the SDK's own behaviour stays)
      }
      var engine = AgentRuntime.engine();
      if (engine == null) {
        return;
      }
      long retry = tap.fields.retryMillis();
      long delay = retry >= 0 ? Math.min(retry, MAX_RETRY_MILLIS) : DEFAULT_RETRY_MILLIS;
      Log.CONNECTION.info(
          tap.connection.label()
              + ": the server ended a request's response stream before the response; resuming it in "
              + delay
              + " ms"
              + (retry >= 0 ? " (its retry field)" : "")
              + " with a GET from the last event id (MCP 2025-11-25 resumption)");
      engine.scheduler().schedule(() -> resume(tap, lastId), TimeUnit.MILLISECONDS.toNanos(delay));
    } catch (Throwable t) {
      AgentRuntime.internalError("MCP Java SDK", "response stream end", t);
    }
  }

  private static void resume(Tap tap, String lastId) {
    try {
      Object transport = tap.transport.get();
      if (transport == null || tap.connection.state() == ConnectionState.CLOSED) {
        return; // the application closed the client meanwhile
      }
      ClassLoader loader = transport.getClass().getClassLoader();
      Function<Object, Object> again = s -> open(tap, s);
      Object stream = Sdk21Module.TRANSPORT_STREAM_NEW.construct(loader, true, again);
      @SuppressWarnings("unchecked")
      AtomicReference<Object> id =
          (AtomicReference<Object>) Sdk21Module.TRANSPORT_STREAM_LAST_ID.get(stream);
      id.set(lastId);
      Object mono = open(tap, stream);
      Consumer<Object> failed =
          e ->
              Log.CONNECTION.info(
                  tap.connection.label()
                      + ": resuming the response stream failed ("
                      + Redact.error((Throwable) e)
                      + "); the request fails at its timeout");
      SdkRefs.MONO_SUBSCRIBE.invoke(mono, IGNORE, failed);
    } catch (Throwable t) {
      AgentRuntime.internalError("MCP Java SDK", "response stream resumption", t);
    }
  }

  /** The transport's GET from {@code stream}'s last id, in the POST's reactor context. */
  private static Object open(Tap tap, Object stream) {
    try {
      Object transport = tap.transport.get();
      if (transport == null) {
        throw new IllegalStateException("client gone");
      }
      Object mono = SdkRefs.HTTP_OPEN_GET_STREAM.invoke(transport, stream);
      return tap.context == null ? mono : SdkRefs.MONO_CONTEXT_WRITE.invoke(mono, tap.context);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** A response whose body is read by {@link SseFields} as the SDK reads it. */
  private record TappedResponse(HttpResponse<Flow.Publisher<List<ByteBuffer>>> delegate, Tap tap)
      implements HttpResponse<Flow.Publisher<List<ByteBuffer>>> {

    @Override
    public int statusCode() {
      return delegate.statusCode();
    }

    @Override
    public HttpRequest request() {
      return delegate.request();
    }

    @Override
    public Optional<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> previousResponse() {
      return delegate.previousResponse();
    }

    @Override
    public HttpHeaders headers() {
      return delegate.headers();
    }

    @Override
    public Flow.Publisher<List<ByteBuffer>> body() {
      Flow.Publisher<List<ByteBuffer>> body = delegate.body();
      return body == null ? null : subscriber -> body.subscribe(new Reader(subscriber, tap.fields));
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return delegate.sslSession();
    }

    @Override
    public URI uri() {
      return delegate.uri();
    }

    @Override
    public HttpClient.Version version() {
      return delegate.version();
    }
  }

  /** Passes every signal on unchanged, reading each buffer's bytes first. */
  private record Reader(Flow.Subscriber<? super List<ByteBuffer>> downstream, SseFields fields)
      implements Flow.Subscriber<List<ByteBuffer>> {

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      downstream.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      try {
        for (ByteBuffer b : item) {
          fields.feed(b);
        }
      } catch (RuntimeException e) {
        AgentRuntime.internalError("MCP Java SDK", "response stream read", e);
      }
      downstream.onNext(item);
    }

    @Override
    public void onError(Throwable throwable) {
      downstream.onError(throwable);
    }

    @Override
    public void onComplete() {
      downstream.onComplete();
    }
  }
}
