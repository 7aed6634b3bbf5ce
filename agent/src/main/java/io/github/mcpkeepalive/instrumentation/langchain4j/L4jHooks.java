package io.github.mcpkeepalive.instrumentation.langchain4j;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.FailureClassifier;
import io.github.mcpkeepalive.core.FailureKind;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.core.Reflect;
import io.github.mcpkeepalive.core.ServerEntry;
import io.github.mcpkeepalive.core.WeakIdentityRegistry;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Entry points called by the advice woven into langchain4j-mcp. Every method catches everything:
 * nothing the agent does may surface in an application thread. Parameters are plain objects so
 * that this class never links against the library.
 *
 * <p>What the agent changes in a managed {@code DefaultMcpClient}: its own health check is left
 * off unless the application configured it (the agent's idle pings replace it); every reconnect
 * the library would start (after a failed health check or SSE stream, at a fixed interval) goes
 * through the agent's backoff instead; a cleanly ended SSE stream, which the library ignores,
 * is reconnected; a Streamable HTTP request answered 400 for a session id the client sent is
 * handled like the library handles 404: a new session, and the request sent once more; the GET
 * notification stream, when the application enabled it (1.12 and later), is re-opened at once and
 * never left open beside a newer one (see {@link NotificationStream}); and every re-initialized
 * session starts with empty list caches (see {@link ListCaches}).
 */
public final class L4jHooks {

  static final String LIBRARY = "langchain4j-mcp";
  static final String CLIENT = "dev.langchain4j.mcp.client.DefaultMcpClient";
  static final String SSE_TRANSPORT = "dev.langchain4j.mcp.client.transport.http.HttpMcpTransport";
  static final String STREAMABLE_TRANSPORT = "dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport";
  static final String SSE_SUBSCRIBER = "dev.langchain4j.mcp.client.transport.http.SseSubscriber";
  private static final String INITIALIZE_REQUEST = "dev.langchain4j.mcp.protocol.McpInitializeRequest";
  private static final String PING_REQUEST = "dev.langchain4j.mcp.protocol.McpPingRequest";

  /**
   * The notification stream a Streamable HTTP transport opened while its client's constructor
   * initialized it, before the client was registered: transport to its subscriber (held weakly; the
   * HTTP client holds it while the stream is open).
   */
  private static final WeakIdentityRegistry<WeakReference<Object>> EARLY_STREAMS = new WeakIdentityRegistry<>();

  private L4jHooks() {}

  /**
   * Before the client reads its builder: when the application left the library's health check
   * unconfigured and the agent will manage this connection, the agent's idle pings replace it.
   */
  public static void clientCreating(Object builder) {
    try {
      KeepaliveEngine engine = AgentRuntime.engine();
      Object transport = Reflect.get(builder, "transport");
      L4jDriver.Kind kind = transport == null ? null : L4jDriver.kindOf(transport);
      if (engine == null || kind == null) {
        return;
      }
      ServerEntry entry = engine.settings().serverFor(L4jDriver.url(transport, kind), kind.label);
      if (entry != null && !entry.enabled()) {
        return;
      }
      if (Reflect.get(builder, "autoHealthCheck") == null && Reflect.get(builder, "autoHealthCheckInterval") == null) {
        Reflect.set(builder, "autoHealthCheck", Boolean.FALSE);
      }
    } catch (Throwable t) {
      internal("client set-up", t);
    }
  }

  /** {@code DefaultMcpClient} constructed (connected and initialized): register it. */
  public static void clientCreated(Object client) {
    try {
      KeepaliveEngine engine = AgentRuntime.engine();
      if (engine == null || engine.find(client) != null) {
        return;
      }
      Object transport = Reflect.get(client, "transport");
      L4jDriver.Kind kind = transport == null ? null : L4jDriver.kindOf(transport);
      if (kind == null) {
        String type = transport == null ? "none" : transport.getClass().getName();
        Log.once(Log.Level.INFO, "l4j-transport-" + type, "langchain4j MCP client with transport " + type + " left alone: the agent supports HttpMcpTransport and StreamableHttpMcpTransport");
        return;
      }
      L4jDriver driver = new L4jDriver(kind, client, transport);
      Connection c = engine.register(client, LIBRARY + " " + Langchain4jInstrumentation.INSTANCE.version().of(client.getClass()), kind.label, L4jDriver.url(transport, kind), driver);
      if (c == null) {
        return; // disabled by the configuration
      }
      engine.alias(transport, c);
      if (kind == L4jDriver.Kind.STREAMABLE && L4jDriver.notificationStreamEnabled(transport)) {
        WeakReference<Object> early = EARLY_STREAMS.get(transport);
        EARLY_STREAMS.remove(transport);
        driver.manageNotificationStream(transport, c.label(), engine.settings(), engine.ticker(), cause -> engine.onStreamEnded(c, cause), early == null ? null : early.get());
        Log.info(c.id() + ": the application enabled the notification stream; the agent re-opens it as soon as the session answers after a cut, and ends the old one when the session is re-initialized");
      }
      Object healthCheck = Reflect.get(client, "healthCheckScheduler");
      Log.info(
          c.id()
              + ": "
              + (healthCheck == null
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
      KeepaliveEngine engine = AgentRuntime.engine();
      Connection c = engine == null ? null : engine.find(client);
      if (c != null && c.driver() instanceof L4jDriver) {
        L4jDriver d = (L4jDriver) c.driver();
        d.closed = true;
        if (d.stream != null) {
          d.stream.close();
        }
        engine.onClosed(c);
      }
    } catch (Throwable t) {
      internal("client close", t);
    }
  }

  /**
   * The library wants to reconnect (its health check failed): for a managed client the agent
   * checks the session with a ping and reconnects with backoff if needed; the library's own
   * attempt is skipped. Returns true to skip it.
   */
  public static boolean libraryReconnect(Object client) {
    try {
      KeepaliveEngine engine = AgentRuntime.engine();
      Connection c = engine == null ? null : engine.find(client);
      if (c == null || !(c.driver() instanceof L4jDriver) || L4jDriver.reconnecting()) {
        return false;
      }
      engine.onSuspect(c, "the library's health check failed", "checking the session with a ping; reconnects go through the agent's backoff", null);
      return true;
    } catch (Throwable t) {
      internal("reconnect routing", t);
      return false;
    }
  }

  /** A JSON-RPC message was read for the client of {@code transport}. */
  public static void messageRead(Object transport) {
    try {
      KeepaliveEngine engine = AgentRuntime.engine();
      if (engine != null) {
        engine.onReadOf(transport);
      }
    } catch (Throwable t) {
      internal("message tracking", t);
    }
  }

  /**
   * Legacy SSE: the library's reaction to a failed stream (sleep for {@code reconnectInterval} on
   * the stream's OkHttp thread, then reconnect, forever) is replaced for managed clients by the
   * agent's, which starts from {@link #sseFailed}; unmanaged clients keep the library's.
   */
  public static Runnable wrapFailureHandler(Object transport, Runnable original) {
    if (original == null) {
      return null;
    }
    return () -> {
      KeepaliveEngine engine = AgentRuntime.engine();
      Connection c = engine == null ? null : engine.find(transport);
      if (c == null || c.state() == io.github.mcpkeepalive.core.ConnectionState.CLOSED) {
        original.run();
      }
    };
  }

  /** Legacy SSE: the current stream failed ({@code error} or a non-2xx {@code response}) or ended. */
  public static void sseFailed(Object handler, Object source, Throwable error, Object response) {
    try {
      KeepaliveEngine engine = AgentRuntime.engine();
      Object transport = engine == null || handler == null ? null : Reflect.get(handler, "transport");
      Connection c = transport == null ? null : engine.find(transport);
      if (c == null || !(c.driver() instanceof L4jDriver)) {
        return;
      }
      L4jDriver d = (L4jDriver) c.driver();
      Throwable cause = error;
      if (response != null) {
        Object code = Reflect.call(response, Reflect.method(response.getClass(), "code"));
        cause = new IOException("SSE stream answered HTTP status " + code, error);
        d.lastSseStatus = cause;
      }
      if (source != Reflect.get(transport, "mcpSseEventListener") || d.closed) {
        return; // a stream the agent or the library replaced or cancelled
      }
      Log.debug("SSE stream ended: " + Redact.error(cause));
      engine.onConnectionLost(c, cause);
    } catch (Throwable t) {
      internal("stream end tracking", t);
    }
  }

  /**
   * A request of the application was sent; {@code answer} is its future. When it fails because the
   * connection broke (closed, reset, refused), the agent checks the connection with a ping at once.
   * When a legacy SSE request finds the session gone (the server restarted: HTTP 404 or 400 on the
   * old message endpoint), the agent reconnects now and the request is sent once more in the new
   * session; the application sees that answer. Pings and initialization are not touched.
   */
  public static Object requestSent(Object transport, Object context, long sentAtNanos, Object answer) {
    try {
      KeepaliveEngine engine = AgentRuntime.engine();
      Connection c = engine == null ? null : engine.find(transport);
      if (c == null || !(answer instanceof CompletableFuture) || !(c.driver() instanceof L4jDriver)) {
        return answer;
      }
      Object message = Reflect.call(context, Reflect.method(context.getClass(), "message"));
      String type = message == null ? "" : message.getClass().getName();
      if (type.equals(PING_REQUEST) || type.equals(INITIALIZE_REQUEST)) {
        return answer;
      }
      L4jDriver d = (L4jDriver) c.driver();
      @SuppressWarnings("unchecked")
      CompletableFuture<Object> sent = (CompletableFuture<Object>) answer;
      return sent.exceptionallyCompose(
          err -> {
            FailureKind kind = FailureClassifier.classify(err, d.sessionIdSent());
            if (kind == FailureKind.SESSION_EXPIRED && d.kind == L4jDriver.Kind.SSE) {
              return engine.onSessionLost(c, err, sentAtNanos).thenCompose(x -> resend(transport, context)).exceptionallyCompose(again -> CompletableFuture.failedFuture(err));
            }
            if (kind == FailureKind.PEER_CLOSED || kind == FailureKind.RESET || kind == FailureKind.UNREACHABLE) {
              engine.onSuspect(c, "a request of the application failed", "checking the connection with a ping", err);
            }
            return CompletableFuture.failedFuture(err);
          });
    } catch (Throwable t) {
      internal("request tracking", t);
      return answer;
    }
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Object> resend(Object transport, Object context) {
    try {
      return (CompletableFuture<Object>) Reflect.call(transport, Reflect.method(transport.getClass(), "executeOperationWithResponse", context.getClass()), context);
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  /**
   * Streamable HTTP: the status of a response. A 400 to a request (not an initialize, not already a
   * retry) that carried a session id means the server no longer knows the session: reported as 404,
   * so that the library starts a new session and sends the request again, as it does for 404.
   */
  public static Object responseStatus(Object transport, Object context, boolean isRetry, Object info) {
    try {
      if (isRetry || !(info instanceof HttpResponse.ResponseInfo) || ((HttpResponse.ResponseInfo) info).statusCode() != 400) {
        return info;
      }
      Object message = Reflect.call(context, Reflect.method(context.getClass(), "message"));
      if (message == null || message.getClass().getName().equals(INITIALIZE_REQUEST) || L4jDriver.sessionId(transport) == null) {
        return info;
      }
      KeepaliveEngine engine = AgentRuntime.engine();
      Connection c = engine == null ? null : engine.find(transport);
      if (c == null) {
        return info;
      }
      Log.info(c.label() + ": server answered HTTP 400 for the session (expired, e.g. after a restart); starting a new session and sending the request again");
      return new SessionGoneResponse((HttpResponse.ResponseInfo) info);
    } catch (Throwable t) {
      internal("response status", t);
      return info;
    }
  }

  /**
   * Streamable HTTP, 1.12 and later: the server answered a GET for the notification stream of
   * {@code subscriber} ({@code info}: status and headers, before the body).
   */
  public static void getStreamAnswered(Object transport, Object subscriber, Object info) {
    try {
      if (!(info instanceof HttpResponse.ResponseInfo)) {
        return;
      }
      HttpResponse.ResponseInfo response = (HttpResponse.ResponseInfo) info;
      int status = response.statusCode();
      boolean eventStream = response.headers().firstValue("Content-Type").map(t -> t.contains("text/event-stream")).orElse(false);
      KeepaliveEngine engine = AgentRuntime.engine();
      Connection c = engine == null ? null : engine.find(transport);
      if (c == null) {
        if (engine != null && status >= 200 && status < 300 && eventStream) {
          EARLY_STREAMS.put(transport, new WeakReference<>(subscriber)); // the client is not registered yet
        }
        return;
      }
      NotificationStream s = streamOf(c);
      if (s != null) {
        s.answered(subscriber, status, eventStream);
      }
    } catch (Throwable t) {
      internal("notification stream tracking", t);
    }
  }

  /** A notification stream's subscriber got its subscription ({@code subsidiary}: not a POST's stream). */
  public static void getStreamSubscribed(Object operationHandler, Object subscriber, boolean subsidiary) {
    try {
      NotificationStream s = subsidiary ? streamOfHandler(operationHandler) : null;
      if (s != null) {
        s.subscribed(subscriber);
      }
    } catch (Throwable t) {
      internal("notification stream tracking", t);
    }
  }

  /** A notification stream ended: {@code error}, or cleanly when null. */
  public static void getStreamEnded(Object operationHandler, Object subscriber, boolean subsidiary, Throwable error) {
    try {
      NotificationStream s = subsidiary ? streamOfHandler(operationHandler) : null;
      if (s != null) {
        Log.debug("notification stream ended: " + (error == null ? "cleanly" : Redact.error(error)));
        s.ended(subscriber, error);
      }
    } catch (Throwable t) {
      internal("notification stream tracking", t);
    }
  }

  /**
   * The library schedules its own re-open of the notification stream (after {@code retry:} or 5 s).
   * For a managed client the agent re-opens it instead; returns true to skip the library's.
   */
  public static boolean libraryGetStreamRetry(Object transport) {
    try {
      KeepaliveEngine engine = AgentRuntime.engine();
      Connection c = engine == null ? null : engine.find(transport);
      return c != null && streamOf(c) != null;
    } catch (Throwable t) {
      internal("notification stream tracking", t);
      return false;
    }
  }

  /**
   * Streamable HTTP: the transport (re)initializes a session, for the agent or on its own (after a
   * 404): once it succeeds, the client's list caches are emptied. The first initialization, in the
   * client's constructor, happens before the client is registered.
   */
  public static void sessionInitializing(Object transport, Object initialization) {
    try {
      KeepaliveEngine engine = AgentRuntime.engine();
      Connection c = engine == null ? null : engine.find(transport);
      if (c == null || !(c.driver() instanceof L4jDriver) || !(initialization instanceof CompletableFuture)) {
        return;
      }
      L4jDriver d = (L4jDriver) c.driver();
      ((CompletableFuture<?>) initialization)
          .thenRun(
              () -> {
                Object client = d.client();
                if (client == null) {
                  return;
                }
                try {
                  Log.debug(c.label() + ": session initialized; list caches emptied: " + ListCaches.evict(client));
                } catch (Throwable t) {
                  internal("list cache eviction", t);
                }
              });
    } catch (Throwable t) {
      internal("list cache eviction", t);
    }
  }

  private static NotificationStream streamOf(Connection c) {
    return c.driver() instanceof L4jDriver ? ((L4jDriver) c.driver()).stream : null;
  }

  private static NotificationStream streamOfHandler(Object operationHandler) throws ReflectiveOperationException {
    KeepaliveEngine engine = AgentRuntime.engine();
    if (engine == null || operationHandler == null) {
      return null;
    }
    Connection c = engine.find(Reflect.get(operationHandler, "transport"));
    return c == null ? null : streamOf(c);
  }

  static void internal(String what, Throwable t) {
    Log.once(Log.Level.WARN, "l4j-internal-" + what + t.getClass().getName(), "internal error during " + what + " (langchain4j-mcp support), the application is unaffected: " + Redact.error(t));
  }
}
