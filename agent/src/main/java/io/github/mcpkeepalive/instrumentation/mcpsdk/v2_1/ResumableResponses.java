package io.github.mcpkeepalive.instrumentation.mcpsdk.v2_1;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.AgentRuntime.Managed;
import io.github.mcpkeepalive.core.Backoff;
import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.FailureClassifier;
import io.github.mcpkeepalive.core.FailureKind;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.core.SseFields;
import io.github.mcpkeepalive.core.WeakIdentityRegistry;
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
 * does not do. A server may end the SSE stream that answers a POST after an event with an id and
 * before the response, and a proxy or a dead path may break it; the spec lets the client resume
 * both the same way, without sending the request again: "If the client wishes to resume after a
 * disconnection (whether due to network failure or server-initiated closure), it SHOULD issue an
 * HTTP GET to the MCP endpoint, and include the Last-Event-ID header to indicate the last event ID
 * it received", and "This mechanism applies regardless of how the original stream was initiated
 * (via POST or GET)" (Streamable HTTP transport, "Resumability and Redelivery"), after the {@code
 * retry:} delay the client "MUST respect" ("Sending Messages to the Server"), where "Disconnection
 * SHOULD NOT be interpreted as the client cancelling its request". The SDK drops the priming
 * event's id, never reads {@code retry:}, and leaves the request waiting until its timeout: after a
 * clean end, and after a broken stream too once it has read an event of it (it then takes the
 * request as sent, and swallows the stream's later error).
 *
 * <p>For a request of a managed client whose POST is answered with an event stream, the agent reads
 * the stream's {@code id:} and {@code retry:} lines beside the SDK ({@link SseFields}). When the
 * stream ends cleanly without the response, or breaks (the connection closed or reset) after the
 * SDK read an event of it, and an event with an id was received, it waits the delay and opens the
 * GET through the transport's own {@code reconnect(stream)}, with a stream object of the SDK that
 * holds the id, so the application's headers, customizer and protocol version apply and the
 * response read on it completes the waiting request. A stream broken before the SDK read any event
 * is left to the SDK, which fails the request at once; one without any id cannot be resumed.
 *
 * <p>The agent watches its own GETs ({@link #getSent}). One that fails (an error status, a refused
 * or cut connection, no event at all) is tried again after a backoff that starts at the larger of
 * the stream's delay and {@code backoff_initial} and doubles; one that brought events but not the
 * response is resumed again from its own last id after the stream's delay. At most {@value
 * #MAX_GETS} GETs per request: then, or when the server no longer knows the session or rejects the
 * credentials, the agent gives up with one log line and the request fails at its timeout as without
 * the agent. Nothing is resumed for a closed client or a stopped agent, and the POST is never sent
 * again.
 */
public final class ResumableResponses {

  /** The delay when the server sent no {@code retry:} field. */
  static final long DEFAULT_RETRY_MILLIS = 1000;

  /** The longest {@code retry:} delay honoured: a request waits no longer to be resumed. */
  static final long MAX_RETRY_MILLIS = 60_000;

  /**
   * The most GETs one request's stream is resumed with. With the defaults (1 s delay, 1 s
   * backoff_initial) four failed GETs take 1 + 1 + 2 + 4 = 8 s, inside the SDK's 20 s request
   * timeout, and cover a proxy's 503 while a server restarts for about as long.
   */
  static final int MAX_GETS = 4;

  private static final Consumer<Object> IGNORE = x -> {};

  /**
   * The agent's GETs on their way, by the SDK stream object each was opened with, until the
   * transport sends them ({@link #getSent}). A tap holds no stream object, so an entry goes with
   * its stream when a GET never gets that far.
   */
  private static final WeakIdentityRegistry<Tap> SENDING = new WeakIdentityRegistry<>();

  private ResumableResponses() {}

  /**
   * What the agent knows of one POST's event stream, and of its resumption. The POST's end, each
   * GET and each GET's end follow one another (the scheduler and Reactor hand them over), so the
   * resumption's fields are never written at once by two threads.
   */
  static final class Tap {
    final WeakReference<Object> transport; // a closed client is not kept for a pending resume
    final Object context; // the reactor ContextView the POST was sent with
    final Connection connection;
    final SseFields fields = new SseFields();
    volatile boolean answered;

    /** The SDK read an event of the POST's stream: it took the request as sent. */
    volatile boolean read;

    /** The resumption: the id the next GET starts from, its delay, GETs opened, failed in a row. */
    volatile String lastId;

    volatile long delayMillis;
    volatile int gets;
    volatile int failedGets;
    volatile boolean gaveUp;

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
   * Woven before the lambda of {@code reconnect(stream)} that sends a GET returns {@code messages}
   * (the GET's message stream): watched when {@code stream} is one the agent opened a resumption
   * with, else as it is (the session's notification stream has no stream object).
   */
  public static Object getSent(Object stream, Object messages) {
    try {
      Tap tap = stream == null ? null : SENDING.get(stream);
      if (tap == null || messages == null) {
        return messages;
      }
      SENDING.remove(stream); // one watch per GET; a retry of the SDK's own is not the agent's
      return watchGet(tap, stream, messages);
    } catch (Throwable t) {
      AgentRuntime.internalError("MCP Java SDK", "resumption watch", t);
      return messages;
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
   * it settles the request; a clean end without one, or a broken connection once the SDK read an
   * event, after an event with an id, resumes it.
   */
  static Object watch(Object tapObject, Object flux) {
    if (flux == null) {
      return null;
    }
    try {
      Tap tap = (Tap) tapObject;
      Consumer<Object> onMessage =
          item -> {
            tap.read = true;
            if (isResponse(item)) {
              tap.answered = true;
            }
          };
      Runnable onComplete = () -> ended(tap, null);
      Consumer<Object> onError = e -> ended(tap, (Throwable) e);
      Object watched = Sdk21Module.FLUX_DO_ON_NEXT.invoke(flux, onMessage);
      watched = Sdk21Module.FLUX_DO_ON_COMPLETE.invoke(watched, onComplete);
      return Sdk21Module.FLUX_DO_ON_ERROR.invoke(watched, onError);
    } catch (Throwable t) {
      AgentRuntime.internalError("MCP Java SDK", "response stream watch", t);
      return flux;
    }
  }

  /** The POST's stream ended, cleanly when {@code error} is null. */
  private static void ended(Tap tap, Throwable error) {
    try {
      String lastId = tap.fields.lastId();
      if (tap.answered || lastId == null) {
        return; // answered, or nothing to resume from (the SDK's own behaviour stays)
      }
      if (error != null && (!tap.read || !brokenConnection(error))) {
        // broken before the SDK read an event: it fails the request with this error itself; or no
        // broken connection (an event it could not parse, an answer too large): its failure stays
        return;
      }
      var engine = AgentRuntime.engine();
      if (engine == null) {
        return;
      }
      long retry = tap.fields.retryMillis();
      long delay = retry >= 0 ? Math.min(retry, MAX_RETRY_MILLIS) : DEFAULT_RETRY_MILLIS;
      tap.lastId = lastId;
      tap.delayMillis = delay;
      Log.CONNECTION.info(
          tap.connection.label()
              + (error == null
                  ? ": the server ended a request's response stream before the response"
                  : ": a request's response stream broke before the response ("
                      + Redact.error(error)
                      + ")")
              + "; resuming it in "
              + delay
              + " ms"
              + (retry >= 0 ? " (its retry field)" : "")
              + " with a GET from the last event id (MCP 2025-11-25 resumption)");
      engine.scheduler().schedule(() -> resume(tap), TimeUnit.MILLISECONDS.toNanos(delay));
    } catch (Throwable t) {
      AgentRuntime.internalError("MCP Java SDK", "response stream end", t);
    }
  }

  /**
   * A connection that broke under the stream (closed, reset or timed out, in its cause chain), as
   * opposed to an error of the SDK's own reading, which a new GET would meet again.
   */
  static boolean brokenConnection(Throwable error) {
    FailureKind kind = FailureClassifier.classify(error, true);
    return (kind == FailureKind.PEER_CLOSED
            || kind == FailureKind.RESET
            || kind == FailureKind.TIMEOUT)
        && !FailureClassifier.clientShutDown(error);
  }

  private static boolean isResponse(Object item) {
    return item instanceof Optional<?> o
        && o.isPresent()
        && Sdk21Module.JSONRPC_RESPONSE.equals(o.get().getClass().getName());
  }

  /** The resumption comes due: a GET from {@code tap.lastId}, unless nothing waits for it. */
  static void resume(Tap tap) {
    try {
      Object transport = tap.transport.get();
      if (tap.answered
          || AgentRuntime.engine() == null
          || transport == null
          || tap.connection.state() == ConnectionState.CLOSED) {
        return; // answered meanwhile, the agent stopped, or the application closed the client
      }
      ClassLoader loader = transport.getClass().getClassLoader();
      // not resumable for the SDK: the agent, never the SDK, decides whether another GET follows
      Function<Object, Object> never = s -> null;
      Object stream = Sdk21Module.TRANSPORT_STREAM_NEW.construct(loader, false, never);
      @SuppressWarnings("unchecked")
      AtomicReference<Object> id =
          (AtomicReference<Object>) Sdk21Module.TRANSPORT_STREAM_LAST_ID.get(stream);
      id.set(tap.lastId);
      tap.gets++;
      opening(stream, tap);
      Object mono = open(tap, stream);
      Consumer<Object> failed =
          e -> {
            SENDING.remove(stream);
            giveUp(tap, (Throwable) e);
          };
      SdkRefs.MONO_SUBSCRIBE.invoke(mono, IGNORE, failed);
    } catch (Throwable t) {
      AgentRuntime.internalError("MCP Java SDK", "response stream resumption", t);
    }
  }

  /** A GET of {@code tap}'s is being opened with the SDK stream object {@code stream}. */
  static void opening(Object stream, Tap tap) {
    SENDING.put(stream, tap);
  }

  /** The GET's message stream, watched: its response, its events, how it ends. */
  private static Object watchGet(Tap tap, Object stream, Object flux) throws Throwable {
    boolean[] brought = {false}; // written and read on the GET's own signals, one at a time
    Consumer<Object> onMessage =
        item -> {
          brought[0] = true;
          if (isResponse(item)) {
            tap.answered = true;
          }
        };
    Runnable onComplete = () -> getEnded(tap, stream, brought[0], null);
    Consumer<Object> onError = e -> getEnded(tap, stream, brought[0], (Throwable) e);
    Object watched = Sdk21Module.FLUX_DO_ON_NEXT.invoke(flux, onMessage);
    watched = Sdk21Module.FLUX_DO_ON_COMPLETE.invoke(watched, onComplete);
    return Sdk21Module.FLUX_DO_ON_ERROR.invoke(watched, onError);
  }

  /**
   * A GET of the agent ended, cleanly when {@code error} is null, having {@code brought} events or
   * none: the request answered, resumed again (from the GET's own last id after the stream's delay
   * when it brought events, after a backoff when not), or given up.
   */
  static void getEnded(Tap tap, Object stream, boolean brought, Throwable error) {
    try {
      Object transport = tap.transport.get();
      if (tap.answered
          || AgentRuntime.engine() == null
          || transport == null
          || tap.connection.state() == ConnectionState.CLOSED
          || (error != null && FailureClassifier.clientShutDown(error))) {
        return;
      }
      FailureKind kind = error == null ? null : FailureClassifier.classify(error, true);
      if (kind == FailureKind.SESSION_EXPIRED || kind == FailureKind.AUTH) {
        giveUp(tap, error); // the stream went with its session; a rejection is not retried fast
        return;
      }
      Object id = ((AtomicReference<?>) Sdk21Module.TRANSPORT_STREAM_LAST_ID.get(stream)).get();
      if (id instanceof String s && !s.isEmpty()) {
        tap.lastId = s; // the last event with an id the GET brought (the SDK keeps it there)
      }
      tap.failedGets = brought ? 0 : tap.failedGets + 1;
      if (tap.gets >= MAX_GETS) {
        giveUp(tap, error);
        return;
      }
      long delay = brought ? tap.delayMillis : backoffMillis(tap.delayMillis, tap.failedGets);
      Log.CONNECTION.debug(
          tap.connection.label()
              + ": the GET resuming a response stream "
              + (brought ? "ended before the response" : "brought no event")
              + (error == null ? "" : " (" + Redact.error(error) + ")")
              + "; GET "
              + (tap.gets + 1)
              + " of "
              + MAX_GETS
              + " in "
              + delay
              + " ms");
      AgentRuntime.engine()
          .scheduler()
          .schedule(() -> resume(tap), TimeUnit.MILLISECONDS.toNanos(delay));
    } catch (Throwable t) {
      AgentRuntime.internalError("MCP Java SDK", "resumption end", t);
    }
  }

  /**
   * The wait before the GET after {@code failed} GETs in a row brought nothing: the larger of the
   * stream's delay and {@code backoff_initial}, doubled for each further failure, at most {@link
   * #MAX_RETRY_MILLIS} and {@code backoff_max}.
   */
  static long backoffMillis(long streamDelayMillis, int failed) {
    var engine = AgentRuntime.engine();
    long initial =
        engine == null ? DEFAULT_RETRY_MILLIS : engine.settings().backoffInitialNanos / 1_000_000;
    long max =
        engine == null
            ? MAX_RETRY_MILLIS
            : Math.min(MAX_RETRY_MILLIS, engine.settings().backoffMaxNanos / 1_000_000);
    long first = TimeUnit.MILLISECONDS.toNanos(Math.max(streamDelayMillis, initial));
    // the agent's own doubling, without jitter (these GETs are one request's, not a herd's)
    Backoff doubling =
        new Backoff(
            first, TimeUnit.MILLISECONDS.toNanos(max), 0, Backoff.Jitter.PROPORTIONAL, () -> 0);
    return TimeUnit.NANOSECONDS.toMillis(doubling.baseDelayNanos(failed));
  }

  /** No GET follows: said once per request, which then fails at its timeout. */
  private static void giveUp(Tap tap, Throwable last) {
    if (tap.gaveUp) {
      return;
    }
    tap.gaveUp = true;
    Log.CONNECTION.info(
        tap.connection.label()
            + ": resuming a request's response stream failed after "
            + tap.gets
            + (tap.gets == 1 ? " GET" : " GETs")
            + " ("
            + (last == null ? "no response on it" : Redact.error(last))
            + "); the request fails at its timeout");
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
