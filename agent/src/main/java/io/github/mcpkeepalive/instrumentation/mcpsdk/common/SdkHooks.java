package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.AgentRuntime.Managed;
import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.FailureClassifier;
import io.github.mcpkeepalive.core.FailureKind;
import io.github.mcpkeepalive.core.HeldRequests;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.core.WeakIdentityRegistry;
import io.github.mcpkeepalive.instrumentation.mcpsdk.McpSdkInstrumentation;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Entry points called by the advice woven into the MCP Java SDK. Every method catches everything:
 * nothing the agent does may surface in an application thread. Parameters are plain objects so that
 * this class never links against an SDK version.
 */
public final class SdkHooks {

  static final String LIBRARY = "mcp-java-sdk";

  private static final Predicate<Throwable> SESSION_GONE =
      t -> FailureClassifier.classify(t, true) == FailureKind.SESSION_EXPIRED;

  private static final Duration JOINED_RETRY_DELAY = Duration.ofMillis(100);

  /**
   * A failure to connect at all (refused, no route, unknown host), or a 503 answer: the request was
   * not processed.
   */
  private static final Predicate<Throwable> NOT_PROCESSED = FailureClassifier::notProcessed;

  private static final Predicate<Throwable> SESSION_GONE_OR_JOINED_INIT_FAILED =
      t ->
          SESSION_GONE.test(t)
              || (t != null
                  && t.getMessage() != null
                  && t.getMessage().startsWith("Client failed to initialize"));

  /**
   * The Reactor retry specs built for one class loader; the one with a delay only when first needed
   * (it initializes Reactor's schedulers, on the path of the application's first call otherwise).
   */
  private static final class RetryHolder {
    final ClassLoader loader;
    final Object plain;
    private volatile Object joined;

    RetryHolder(ClassLoader loader, Object plain) {
      this.loader = loader;
      this.plain = plain;
    }

    Object joined() throws Throwable {
      Object j = joined;
      if (j == null) {
        j = spec(loader, SESSION_GONE_OR_JOINED_INIT_FAILED, JOINED_RETRY_DELAY);
        joined = j;
      }
      return j;
    }
  }

  private static volatile RetryHolder retry;

  /** Clients the agent leaves alone (configuration, transport): not looked at again. */
  private static final WeakIdentityRegistry<Boolean> IGNORED = new WeakIdentityRegistry<>();

  private SdkHooks() {}

  /** {@code McpAsyncClient} constructed: register its connection. */
  public static void asyncClientCreated(Object client) {
    try {
      KeepaliveEngine engine = AgentRuntime.engine();
      if (engine == null
          || engine.find(client) != null
          || !McpSdkInstrumentation.INSTANCE.active(client.getClass().getClassLoader())) {
        return;
      }
      Object transport = SdkRefs.ASYNC_TRANSPORT.get(client);
      Object initializer = SdkRefs.ASYNC_INITIALIZER.get(client);
      if (transport == null || initializer == null) {
        return;
      }
      SdkTransport access = SdkTransport.forType(transport.getClass());
      if (access == null) {
        String type = transport.getClass().getName();
        Log.once(
            Log.Level.INFO,
            "sdk-transport-" + type,
            "MCP client with transport "
                + type
                + " left alone: the agent supports HttpClientSseClientTransport, HttpClientStreamableHttpTransport and, when their support is applied, WebFluxSseClientTransport and WebClientStreamableHttpTransport");
        IGNORED.put(client, Boolean.TRUE);
        return;
      }
      String url = access.url(transport);
      SdkDriver driver = new SdkDriver(access, client, transport, initializer);
      Connection c =
          engine.register(
              client,
              LIBRARY
                  + " "
                  + McpSdkInstrumentation.INSTANCE.version().of(client.getClass())
                  + access.label(transport.getClass()),
              access.kind() == SdkTransport.Kind.SSE ? "sse" : "streamable",
              url,
              driver);
      if (c != null) {
        engine.alias(transport, c);
        engine.alias(initializer, c);
      } else {
        IGNORED.put(client, Boolean.TRUE); // disabled by the configuration
      }
    } catch (Throwable t) {
      internal("client discovery", t);
    }
  }

  /**
   * A request method of {@code McpAsyncClient} is called. Known clients return at once; a client
   * that existed before the agent was attached is discovered here, repaired if its legacy SSE
   * stream is already dead, and probed with a ping.
   */
  public static void asyncClientUsed(Object client) {
    try {
      KeepaliveEngine engine = AgentRuntime.engine();
      if (engine == null || engine.find(client) != null || IGNORED.get(client) != null) {
        return;
      }
      asyncClientCreated(client);
      Managed<SdkDriver> m = AgentRuntime.managed(client, SdkDriver.class);
      if (m == null || !Boolean.TRUE.equals(SdkRefs.ASYNC_IS_INITIALIZED.invoke(client))) {
        return; // not managed, or the application's own initialize will mark it CONNECTED
      }
      if (m.driver().repairDeadSseStream()) {
        Log.CONNECTION.info(
            m.connection().id()
                + ": its SSE stream had ended before the agent was attached; this request opens a new one");
      }
      engine.onDiscoveredInUse(m.connection());
    } catch (Throwable t) {
      internal("late client discovery", t);
    }
  }

  /** {@code McpSyncClient} constructed around an async client: ping through it (its context). */
  public static void syncClientCreated(Object sync, Object delegate) {
    try {
      Managed<SdkDriver> m = AgentRuntime.managed(delegate, SdkDriver.class);
      if (m != null) {
        m.driver().setSyncClient(sync);
        m.engine().alias(sync, m.connection());
      }
    } catch (Throwable t) {
      internal("sync client discovery", t);
    }
  }

  /** The application closes a client: stop keepalive for it. */
  public static void clientClosed(Object client) {
    try {
      Managed<SdkDriver> m = AgentRuntime.managed(client, SdkDriver.class);
      if (m != null) {
        m.driver().closed = true;
        m.engine().onClosed(m.connection());
      }
    } catch (Throwable t) {
      internal("client close", t);
    }
  }

  /** A stream of the transport failed (the SDK logs and swallows it): remember why. */
  public static void streamError(Object transport, Object error) {
    try {
      if (!(error instanceof Throwable)) {
        return;
      }
      Log.CONNECTION.debug("stream error: " + Redact.error((Throwable) error));
      Managed<SdkDriver> m = AgentRuntime.managed(transport, SdkDriver.class);
      if (m != null) {
        m.driver().lastStreamError = (Throwable) error;
      }
    } catch (Throwable t) {
      internal("stream error tracking", t);
    }
  }

  /**
   * Streamable HTTP: a POST was answered ({@code response} is the {@code HttpResponse}, or the
   * SDK's {@code ResponseEvent} around its status). A rejection of the credentials is remembered:
   * SDK 0.16 to 1.1 fail the request with a message that names no status.
   */
  public static void postAnswered(Object transport, Object response) {
    try {
      int status =
          response instanceof HttpResponse
              ? ((HttpResponse<?>) response).statusCode()
              : ((HttpResponse.ResponseInfo) SdkRefs.RESPONSE_EVENT_INFO.invoke(response))
                  .statusCode();
      answered(transport, status);
    } catch (Throwable t) {
      internal("response status tracking", t);
    }
  }

  /**
   * Streamable HTTP: a POST of {@code transport} was answered with {@code status}; a rejection of
   * the credentials is remembered, to be named in the failure of the ping or attempt it belongs to.
   */
  public static void answered(Object transport, int status) {
    if (status == 401 || status == 403) {
      Managed<SdkDriver> m = AgentRuntime.managed(transport, SdkDriver.class);
      if (m != null) {
        m.driver().rejected(status);
      }
    }
  }

  /** Legacy SSE: the GET stream that carries the session ended. */
  public static void sseStreamEnded(Object transport, Object signal) {
    try {
      Log.CONNECTION.debug("SSE stream ended: " + signal);
      if (isCancel(signal)) {
        return; // disposed locally: by the SDK on close, or by the agent when it reconnects
      }
      Managed<SdkDriver> m = AgentRuntime.managed(transport, SdkDriver.class);
      if (m != null) {
        Throwable cause = m.driver().lastStreamError;
        m.driver().lastStreamError = null;
        m.driver().replaceEndpointSink(transport, cause);
        m.engine().onConnectionLost(m.connection(), cause);
      }
    } catch (Throwable t) {
      internal("stream end tracking", t);
    }
  }

  /** Streamable HTTP: a GET notification stream is being opened for the current session. */
  public static void getStreamOpening(Object transport) {
    try {
      Log.CONNECTION.debug("notification stream opening");
      Managed<SdkDriver> m = AgentRuntime.managed(transport, SdkDriver.class);
      if (m != null) {
        Object session = m.driver().activeSession(transport);
        m.driver().getStreamOpened(session);
        m.driver().getStreamOpenedAtNanos = System.nanoTime();
        if (session != null) {
          m.engine().alias(session, m.connection());
        }
      }
    } catch (Throwable t) {
      internal("stream open tracking", t);
    }
  }

  /** Streamable HTTP: the GET notification stream of {@code session} ended. */
  public static void getStreamEnded(Object session, Object signal) {
    try {
      Log.CONNECTION.debug("notification stream ended: " + signal);
      Managed<SdkDriver> m = AgentRuntime.managed(session, SdkDriver.class);
      if (m == null) {
        return;
      }
      SdkDriver d = m.driver();
      Object tr = d.transport();
      if (tr == null) {
        return;
      }
      if (d.activeSession(tr) != session) {
        return; // an old session's stream: already replaced
      }
      if (d.getStreamClosed(session) > 0 || isCancel(signal)) {
        // another stream of the session is open (the WebClient transport resumes an interrupted
        // stream with a new GET before the old one ends), or this one was disposed locally
        return;
      }
      long lived = System.nanoTime() - d.getStreamOpenedAtNanos;
      d.quickGetStreamEnds = lived < TimeUnit.SECONDS.toNanos(1) ? d.quickGetStreamEnds + 1 : 0;
      Throwable cause = d.lastStreamError;
      d.lastStreamError = null;
      m.engine().onStreamEnded(m.connection(), cause);
    } catch (Throwable t) {
      internal("stream end tracking", t);
    }
  }

  /**
   * Wraps a request of a managed client so that it is sent once more when it provably never reached
   * the server: when the server answers that the session is gone (the SDK re-initializes and the
   * request goes out in the new session), and, for a request that joined an initialization already
   * under way (the agent's reconnect attempt or another call), when that initialization failed.
   * Without this the SDK fails the first call that meets a dead session.
   */
  public static Object retryOnExpiredSession(Object initializer, Object mono) {
    try {
      if (mono == null) {
        return null;
      }
      KeepaliveEngine engine = AgentRuntime.engine();
      Connection c = engine == null ? null : engine.find(initializer);
      if (c == null) {
        return mono;
      }
      boolean joins = SdkDriver.initializationInFlight(initializer);
      ClassLoader loader = mono.getClass().getClassLoader();
      RetryHolder h = retry;
      if (h == null || h.loader != loader) {
        h = new RetryHolder(loader, spec(loader, SESSION_GONE, null));
        retry = h;
      }
      Object request = SdkRefs.MONO_RETRY_WHEN.invoke(mono, joins ? h.joined() : h.plain);
      if (SdkDriver.AGENT_REQUEST.get() != null) {
        return request;
      }
      ConnectionState state = c.state();
      if (state == ConnectionState.DISCONNECTED || state == ConnectionState.RECONNECTING) {
        return afterAttempt(engine, c, initializer, loader, request, engine::onDemand);
      }
      if (state != ConnectionState.CONNECTED && state != ConnectionState.UNHEALTHY) {
        return request; // NEW: the application's own initialization, its failure is its own
      }
      // a request refused at connect never reached the server: it waits for the reconnect that
      // the refusal starts, and goes out once more in the restored session
      long start = engine.ticker().nanoTime();
      Object retried = request;
      Function<Throwable, Object> afterRefusal =
          err -> {
            try {
              return afterAttempt(
                  engine,
                  c,
                  initializer,
                  loader,
                  retried,
                  x -> engine.onRequestRefused(x, err, start));
            } catch (Throwable t) {
              internal("refused request", t);
              throw SdkHooks.<RuntimeException>rethrow(err); // Reactor passes it on, as it was
            }
          };
      Object guarded = SdkRefs.MONO_ON_ERROR_RESUME.invoke(request, NOT_PROCESSED, afterRefusal);
      if (state == ConnectionState.UNHEALTHY && c.answersOnStream()) {
        // its answer would come on a stream silent since a ping failed: it waits for the
        // reconnect it starts instead of for its timeout on a dead stream
        return afterAttempt(engine, c, initializer, loader, guarded, engine::onDemand);
      }
      return guarded;
    } catch (Throwable t) {
      internal("request wrapping", t);
      return mono;
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T rethrow(Throwable t) throws T {
    throw (T) t;
  }

  /**
   * On-demand recovery: a request of the application made while its connection is down waits for an
   * attempt started now (or the one under way), within the application's initialization timeout,
   * and then goes out in the restored session. When the attempt fails the request fails once,
   * saying why; it is never sent to a connection known to be down.
   */
  private static Object afterAttempt(
      KeepaliveEngine engine,
      Connection c,
      Object initializer,
      ClassLoader loader,
      Object request,
      Function<Connection, CompletableFuture<Void>> restored)
      throws Throwable {
    Object timeout = SdkRefs.INITIALIZATION_TIMEOUT.get(initializer);
    long waitNanos = timeout instanceof Duration ? ((Duration) timeout).toNanos() : 0;
    Supplier<CompletableFuture<Void>> attempt =
        () -> {
          CompletableFuture<Void> engineDone = restored.apply(c);
          CompletableFuture<Void> done =
              waitNanos > 0
                  ? engineDone.copy().orTimeout(waitNanos, TimeUnit.NANOSECONDS)
                  : engineDone;
          return done.exceptionallyCompose(
              err ->
                  CompletableFuture.failedFuture(
                      HeldRequests.attemptFailed(
                          engineDone.isDone(), err, "the initialization timeout", "")));
        };
    Object waiting = SdkRefs.MONO_FROM_FUTURE.invokeStatic(loader, attempt);
    return SdkRefs.MONO_THEN.invoke(waiting, request);
  }

  /**
   * One retry; after {@code delay} when given, so that a failed initialization is cleared first.
   */
  private static Object spec(ClassLoader loader, Predicate<Throwable> when, Duration delay)
      throws Throwable {
    if (delay == null) {
      return SdkRefs.RETRY_SPEC_FILTER.invoke(SdkRefs.RETRY_MAX.invokeStatic(loader, 1L), when);
    }
    return SdkRefs.BACKOFF_SPEC_FILTER.invoke(
        SdkRefs.RETRY_FIXED_DELAY.invokeStatic(loader, 1L, delay), when);
  }

  /**
   * Reactor's {@code SignalType.CANCEL} (whose {@code toString()} is "cancel"): the stream was
   * disposed locally.
   */
  private static boolean isCancel(Object signal) {
    return signal instanceof Enum && "CANCEL".equals(((Enum<?>) signal).name());
  }

  private static void internal(String what, Throwable t) {
    AgentRuntime.internalError(LIBRARY, what, t);
  }
}
