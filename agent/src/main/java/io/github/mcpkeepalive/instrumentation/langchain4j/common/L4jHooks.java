package io.github.mcpkeepalive.instrumentation.langchain4j.common;

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
import io.github.mcpkeepalive.core.ServerEntry;
import io.github.mcpkeepalive.instrumentation.langchain4j.Langchain4jInstrumentation;
import io.github.mcpkeepalive.instrumentation.refs.FieldRef;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Entry points called by the advice woven into langchain4j-mcp. Every method catches everything:
 * nothing the agent does may surface in an application thread. Parameters are plain objects so that
 * this class never links against the library; the library is reached only through {@link L4jRefs}.
 *
 * <p>What the agent changes in a managed {@code DefaultMcpClient}: its own health check is left off
 * unless the application configured it (the agent's idle pings replace it); every reconnect the
 * library would start (after a failed health check or SSE stream, at a fixed interval) goes through
 * the agent's backoff instead; a cleanly ended SSE stream, which the library ignores, is
 * reconnected; a Streamable HTTP request answered 400 for a session id the client sent is handled
 * like the library handles 404: a new session, and the request sent once more; every new session
 * starts with empty list caches; and what the version range adds (the notification stream, from
 * 1.12) is kept beside the driver.
 */
public final class L4jHooks {

  public static final String LIBRARY = "langchain4j-mcp";

  private L4jHooks() {}

  /**
   * Before the client reads its builder: when the application left the library's health check
   * unconfigured and the agent will manage this connection, the agent's idle pings replace it.
   */
  public static void clientCreating(Object builder) {
    try {
      KeepaliveEngine engine = AgentRuntime.engine();
      if (engine == null || rangeOf(builder) == null) {
        return;
      }
      Object transport = L4jRefs.BUILDER_TRANSPORT.get(builder);
      L4jDriver.Kind kind = transport == null ? null : L4jDriver.kindOf(transport);
      if (kind == null) {
        return;
      }
      ServerEntry entry = engine.settings().serverFor(L4jDriver.url(transport, kind), kind.label);
      if (entry != null && !entry.enabled()) {
        return;
      }
      if (L4jRefs.BUILDER_HEALTH_CHECK.get(builder) == null
          && L4jRefs.BUILDER_HEALTH_CHECK_INTERVAL.get(builder) == null) {
        L4jRefs.BUILDER_HEALTH_CHECK.set(builder, Boolean.FALSE);
      }
    } catch (Throwable t) {
      internal("client set-up", t);
    }
  }

  /** {@code DefaultMcpClient} constructed (connected and initialized): register it. */
  public static void clientCreated(Object client) {
    try {
      KeepaliveEngine engine = AgentRuntime.engine();
      L4jModule range = engine == null || engine.find(client) != null ? null : rangeOf(client);
      if (range == null) {
        return;
      }
      Object transport = L4jRefs.CLIENT_TRANSPORT.get(client);
      L4jDriver.Kind kind = transport == null ? null : L4jDriver.kindOf(transport);
      if (kind == null) {
        String type = transport == null ? "none" : transport.getClass().getName();
        Log.once(
            Log.Level.INFO,
            "l4j-transport-" + type,
            "langchain4j MCP client with transport "
                + type
                + " left alone: the agent supports HttpMcpTransport and StreamableHttpMcpTransport");
        return;
      }
      L4jDriver driver = new L4jDriver(kind, client, transport, range.listCaches());
      Connection c =
          engine.register(
              client,
              LIBRARY + " " + Langchain4jInstrumentation.INSTANCE.version().of(client.getClass()),
              kind.label,
              L4jDriver.url(transport, kind),
              driver);
      if (c == null) {
        return; // disabled by the configuration
      }
      engine.alias(transport, c);
      driver.setListener(range.listenerFor(transport, c, engine));
      Log.CONNECTION.info(
          c.id()
              + ": "
              + (L4jRefs.CLIENT_HEALTH_CHECKER.get(client) == null
                  ? "the library's own health check is off (the agent's idle pings replace it)"
                  : "the library's own health check stays as the application configured it; its pings count as traffic and its failures go through the agent's backoff"));
      engine.onRead(c); // initialized by the application: the constructor did it
    } catch (Throwable t) {
      internal("client discovery", t);
    }
  }

  /** The application closes a client: stop keepalive for it. */
  public static void clientClosed(Object client) {
    try {
      Managed<L4jDriver> m = AgentRuntime.managed(client, L4jDriver.class);
      if (m != null) {
        m.driver().closed = true;
        SessionListener l = m.driver().listener();
        if (l != null) {
          l.clientClosed();
        }
        m.engine().onClosed(m.connection());
      }
    } catch (Throwable t) {
      internal("client close", t);
    }
  }

  /**
   * The library wants to reconnect (its health check failed): for a managed client the agent checks
   * the session with a ping and reconnects with backoff if needed; the library's own attempt is
   * skipped. Returns true to skip it.
   */
  public static boolean libraryReconnect(Object client) {
    try {
      Managed<L4jDriver> m = AgentRuntime.managed(client, L4jDriver.class);
      if (m == null || L4jDriver.reconnecting()) {
        return false;
      }
      m.engine()
          .onSuspect(
              m.connection(),
              "the library's health check failed",
              "checking the session with a ping; reconnects go through the agent's backoff",
              null);
      return true;
    } catch (Throwable t) {
      internal("reconnect routing", t);
      return false;
    }
  }

  /**
   * Legacy SSE: the library's reaction to a failed stream (sleep for {@code reconnectInterval} on
   * the stream's OkHttp thread, then reconnect, forever) is replaced for managed clients by the
   * agent's, which starts from {@link #sseFailed}; unmanaged clients keep the library's.
   */
  public static Object wrapFailureHandler(Object transport, Object original) {
    try {
      if (!(original instanceof Runnable)) {
        return original;
      }
      Runnable run = (Runnable) original;
      return (Runnable)
          () -> {
            KeepaliveEngine engine = AgentRuntime.engine();
            Connection c = engine == null ? null : engine.find(transport);
            if (c == null || c.state() == ConnectionState.CLOSED) {
              run.run();
            }
          };
    } catch (Throwable t) {
      internal("failure handler", t);
      return original;
    }
  }

  /**
   * Legacy SSE: the current stream failed ({@code error} or a non-2xx {@code response}) or ended.
   */
  public static void sseFailed(Object handler, Object source, Object failure, Object response) {
    try {
      Throwable error = failure instanceof Throwable ? (Throwable) failure : null;
      Object transport = handler == null ? null : L4jRefs.HANDLER_TRANSPORT.get(handler);
      Managed<L4jDriver> m = AgentRuntime.managed(transport, L4jDriver.class);
      if (m == null) {
        return;
      }
      L4jDriver d = m.driver();
      Throwable cause = error;
      if (response != null) {
        cause =
            new IOException(
                "SSE stream answered HTTP status " + L4jRefs.RESPONSE_CODE.invoke(response), error);
        d.lastSseStatus = cause;
      }
      if (source != L4jRefs.SSE_EVENT_SOURCE.get(transport) || d.closed) {
        return; // a stream the agent or the library replaced or cancelled
      }
      Log.CONNECTION.debug("SSE stream ended: " + Redact.error(cause));
      m.engine().onConnectionLost(m.connection(), cause);
    } catch (Throwable t) {
      internal("stream end tracking", t);
    }
  }

  /**
   * Set while the agent sends a request: FALSE for the first sending of one it held, TRUE for one
   * sent once more (refused, or its session lost).
   */
  private static final ThreadLocal<Boolean> RELEASING = new ThreadLocal<>();

  /**
   * On-demand recovery: a request of the application made while its connection is down (waiting in
   * backoff, or reconnecting) is not sent to the dead session: it starts the next attempt now (or
   * waits for the one under way) and goes out once the session is back. On legacy SSE, one made
   * while the stream has read nothing since a ping failed starts a reconnect and waits for it the
   * same way. The wait is bounded by the shortest of the client's own request timeouts, measured
   * from now, and a request whose wait used it up is not sent at all (the application has given up
   * on it): it fails, like one whose attempt failed, with an error that says why. Null (the request
   * goes out as usual) for a connection that is up, for the agent's own pings and initializations,
   * and on any surprise.
   */
  public static Object requestStarting(Object transport, Object context) {
    try {
      Managed<L4jDriver> m = AgentRuntime.managed(transport, L4jDriver.class);
      if (m == null) {
        return null;
      }
      if (!m.connection().holdsRequests() || L4jDriver.reconnecting() || RELEASING.get() != null) {
        return null;
      }
      Object message = L4jRefs.CONTEXT_MESSAGE.invoke(context);
      String type = message == null ? "" : message.getClass().getName();
      Object client = m.driver().client();
      if (client == null
          || type.equals(L4jRefs.PING_REQUEST)
          || type.equals(L4jRefs.INITIALIZE_REQUEST)) {
        return null;
      }
      return afterAttempt(
          transport,
          context,
          m.engine().onDemand(m.connection()),
          System.nanoTime(),
          shortestTimeout(client),
          false);
    } catch (Throwable t) {
      internal("on-demand recovery", t);
      return null;
    }
  }

  /**
   * The request, sent once {@code attempt} restored the connection, unless the wait reached {@code
   * limitNanos} after {@code startNanos} (the application gave up on it); if the attempt fails, a
   * failure that says why. Never sent to a connection known to be down.
   */
  private static CompletableFuture<Object> afterAttempt(
      Object transport,
      Object context,
      CompletableFuture<Void> attempt,
      long startNanos,
      long limitNanos,
      boolean again) {
    long left = Math.max(1, limitNanos - (System.nanoTime() - startNanos));
    return attempt
        .copy()
        .orTimeout(left, TimeUnit.NANOSECONDS)
        .handleAsync(
            (ok, err) -> {
              if (err != null) {
                return CompletableFuture.<Object>failedFuture(
                    HeldRequests.attemptFailed(
                        attempt.isDone(),
                        err,
                        "the client's timeout",
                        "; the request was not sent"));
              }
              if (System.nanoTime() - startNanos >= limitNanos) {
                return CompletableFuture.<Object>failedFuture(
                    new IOException(
                        "the connection to the MCP server was restored after the client's timeout; the request was not sent"));
              }
              return resend(transport, context, again);
            },
            L4jDriver.WORKERS)
        .thenCompose(f -> f);
  }

  private static long shortestTimeout(Object client) throws ReflectiveOperationException {
    long shortest = Long.MAX_VALUE;
    for (FieldRef f :
        new FieldRef[] {
          L4jRefs.CLIENT_TOOL_TIMEOUT,
          L4jRefs.CLIENT_RESOURCES_TIMEOUT,
          L4jRefs.CLIENT_PROMPTS_TIMEOUT
        }) {
      Object d = f.get(client);
      // langchain4j reads a zero or negative timeout as none
      if (d instanceof java.time.Duration && ((java.time.Duration) d).toMillis() > 0) {
        shortest = Math.min(shortest, ((java.time.Duration) d).toNanos());
      }
    }
    return shortest == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(60) : shortest;
  }

  /**
   * A request of the application was sent; {@code answer} is its future. When it fails because the
   * connection broke (closed, reset, refused), the agent checks the connection with a ping at once.
   * When a legacy SSE request finds the session gone (the server restarted: HTTP 404 or 400 on the
   * old message endpoint), the agent reconnects now and the request is sent once more in the new
   * session; the application sees that answer. Pings and initialization are not touched.
   */
  public static Object requestSent(Object transport, Object context, Object answer) {
    try {
      return requestSent(transport, context, System.nanoTime(), answer);
    } catch (Throwable t) {
      internal("request tracking", t);
      return answer;
    }
  }

  /** {@link #requestSent(Object, Object, Object)} sent at {@code sentAtNanos}. */
  static Object requestSent(Object transport, Object context, long sentAtNanos, Object answer) {
    try {
      Managed<L4jDriver> m = AgentRuntime.managed(transport, L4jDriver.class);
      if (m == null || !(answer instanceof CompletableFuture)) {
        return answer;
      }
      Object message = L4jRefs.CONTEXT_MESSAGE.invoke(context);
      String type = message == null ? "" : message.getClass().getName();
      if (type.equals(L4jRefs.PING_REQUEST) || type.equals(L4jRefs.INITIALIZE_REQUEST)) {
        return answer;
      }
      L4jDriver d = m.driver();
      KeepaliveEngine engine = m.engine();
      Connection c = m.connection();
      long sentAt = System.nanoTime(); // the client's timeout runs on the real clock
      boolean sentAgain = Boolean.TRUE.equals(RELEASING.get()); // not a third time
      @SuppressWarnings("unchecked")
      CompletableFuture<Object> sent = (CompletableFuture<Object>) answer;
      return sent.exceptionallyCompose(
          err -> {
            FailureKind kind = FailureClassifier.classify(err, d.sessionIdSent());
            if (kind == FailureKind.SESSION_EXPIRED && d.kind == L4jDriver.Kind.SSE && !sentAgain) {
              return engine
                  .onSessionLost(c, err, sentAtNanos)
                  .thenCompose(x -> resend(transport, context, true))
                  .exceptionallyCompose(again -> CompletableFuture.failedFuture(err));
            }
            if (!sentAgain && FailureClassifier.notProcessed(err)) {
              // it could not even connect, or the server answered 503, so the server did not
              // process it: it goes out again once the reconnect that this starts has restored
              // the connection
              try {
                return afterAttempt(
                    transport,
                    context,
                    engine.onRequestRefused(c, err, sentAtNanos),
                    sentAt,
                    shortestTimeout(d.client()),
                    true);
              } catch (Throwable t) {
                internal("refused request", t);
                return CompletableFuture.failedFuture(err);
              }
            }
            if (kind == FailureKind.PEER_CLOSED
                || kind == FailureKind.RESET
                || kind == FailureKind.UNREACHABLE) {
              engine.onSuspect(
                  c,
                  "a request of the application failed",
                  "checking the connection with a ping",
                  err);
            }
            return CompletableFuture.failedFuture(err);
          });
    } catch (Throwable t) {
      internal("request tracking", t);
      return answer;
    }
  }

  @SuppressWarnings("unchecked")
  /**
   * Sends the request now, past the hold of {@link #requestStarting}; {@code again}: it was sent
   * before (refused, or its session lost), and is not sent a third time.
   */
  private static CompletableFuture<Object> resend(Object transport, Object context, boolean again) {
    try {
      MethodRef request =
          transport.getClass().getName().equals(L4jRefs.SSE_TRANSPORT)
              ? L4jRefs.SSE_REQUEST
              : L4jRefs.HTTP_REQUEST;
      RELEASING.set(again); // it goes out now, whatever the state says
      try {
        return (CompletableFuture<Object>) request.invoke(transport, context);
      } finally {
        RELEASING.remove();
      }
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  /**
   * Streamable HTTP: the status of a response. A 400 to a request (not an initialize, not already a
   * retry) that carried a session id means the server no longer knows the session: reported as 404,
   * so that the library starts a new session and sends the request again, as it does for 404.
   */
  public static Object responseStatus(
      Object transport, Object context, boolean isRetry, Object info) {
    try {
      if (isRetry
          || !(info instanceof HttpResponse.ResponseInfo)
          || ((HttpResponse.ResponseInfo) info).statusCode() != 400) {
        return info;
      }
      Object message = L4jRefs.CONTEXT_MESSAGE.invoke(context);
      if (message == null
          || message.getClass().getName().equals(L4jRefs.INITIALIZE_REQUEST)
          || L4jDriver.sessionId(transport) == null) {
        return info;
      }
      Managed<L4jDriver> m = AgentRuntime.managed(transport, L4jDriver.class);
      if (m == null) {
        return info;
      }
      Log.CONNECTION.info(
          m.connection().label()
              + ": server answered HTTP 400 for the session (expired, e.g. after a restart); starting a new session and sending the request again");
      return new SessionGoneResponse((HttpResponse.ResponseInfo) info);
    } catch (Throwable t) {
      internal("response status", t);
      return info;
    }
  }

  /**
   * Streamable HTTP: the transport is about to send an initialize (for the agent's attempt, or on
   * its own after a 404). While one is under way, this one joins it: the future it answers stands
   * for the transport's, and no second initialize goes out ({@link
   * L4jDriver#initializationStarting}); for an abandoned attempt of the agent's, a failure (nothing
   * goes out). Null (it goes out) otherwise, and on any surprise.
   */
  public static Object initializeStarting(Object transport) {
    try {
      Managed<L4jDriver> m = AgentRuntime.managed(transport, L4jDriver.class);
      if (m == null) {
        return null;
      }
      CompletableFuture<Object> underWay = m.driver().initializationStarting(System.nanoTime());
      if (underWay != null) {
        Log.CONNECTION.debug(
            m.connection().label()
                + (Initializations.refused(underWay)
                    ? ": the reconnect attempt was abandoned (timed out); its initialize is not sent"
                    : ": an initialization is under way; this one joins it instead of sending a second"));
      }
      return underWay;
    } catch (Throwable t) {
      internal("session initialization", t);
      return null;
    }
  }

  /**
   * Streamable HTTP: the transport (re)initializes a session, for the agent or on its own (after a
   * 404): later initializations join it until it ends (failed at once when the attempt it belonged
   * to was abandoned before the transport stored it), and once it succeeds, the client's list
   * caches are emptied. The first initialization, in the client's constructor, happens before the
   * client is registered.
   */
  public static void sessionInitializing(Object transport, Object initialization) {
    try {
      Managed<L4jDriver> m = AgentRuntime.managed(transport, L4jDriver.class);
      if (m == null) {
        return;
      }
      L4jDriver d = m.driver();
      if (d.initializationSent(initialization)) {
        Log.CONNECTION.debug(
            m.connection().label()
                + ": the initialization of an abandoned reconnect attempt was failed as the transport stored it (nothing would have completed it)");
      }
      if (!(initialization instanceof CompletableFuture)) {
        return;
      }
      ((CompletableFuture<?>) initialization)
          .thenRun(
              () -> {
                Object client = d.client();
                if (client == null) {
                  return;
                }
                try {
                  Log.CONNECTION.debug(
                      m.connection().label()
                          + ": session initialized; list caches emptied: "
                          + d.caches().evict(client));
                } catch (Throwable t) {
                  internal("list cache eviction", t);
                }
              });
    } catch (Throwable t) {
      internal("list cache eviction", t);
    }
  }

  /**
   * The version range applied to the class loader of {@code libraryObject}, or null (left alone).
   */
  private static L4jModule rangeOf(Object libraryObject) {
    return (L4jModule)
        Langchain4jInstrumentation.INSTANCE.applied(libraryObject.getClass().getClassLoader());
  }

  public static void internal(String what, Throwable t) {
    AgentRuntime.internalError(LIBRARY, what, t);
  }
}
