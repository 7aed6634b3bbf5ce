package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import io.github.mcpkeepalive.core.ConnectionDriver;
import io.github.mcpkeepalive.core.FailureKind;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;

/**
 * Pings and reconnects one langchain4j-mcp {@code DefaultMcpClient} in place, through the library's
 * own members ({@link L4jRefs}): pings go through the client's transport (its headers apply) with
 * the client's own request ids; a reconnect runs the client's own {@code initialize()} under its
 * initialization lock, on a worker thread (it blocks), so the application keeps its client object,
 * then empties the list caches its version range knows. What the range keeps beside it (the
 * notification stream, from 1.12) is told when the session answers and when the client closes.
 */
public final class L4jDriver implements ConnectionDriver {

  enum Kind {
    SSE("sse"),
    STREAMABLE("streamable");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /**
   * Blocking library calls (initialize) and delayed retries run here, never on the scheduler
   * thread.
   */
  public static final ExecutorService WORKERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "mcp-keepalive-langchain4j");
            t.setDaemon(true);
            return t;
          });

  final Kind kind;
  private final WeakReference<Object> client;
  private final WeakReference<Object> transport;
  private final ListCaches caches;
  volatile boolean closed;

  /** Legacy SSE: the status of the last non-2xx answer to the stream's GET (401, say). */
  volatile Throwable lastSseStatus;

  private volatile SessionListener listener;

  /**
   * The agent's reconnect attempts (abandoned at any step) and the transport's initializations
   * (joined while one is under way).
   */
  private final Initializations initializations = new Initializations();

  L4jDriver(Kind kind, Object client, Object transport, ListCaches caches) {
    this.kind = kind;
    this.client = new WeakReference<>(client);
    this.transport = new WeakReference<>(transport);
    this.caches = caches;
  }

  static Kind kindOf(Object transport) {
    String type = transport.getClass().getName();
    if (type.equals(L4jRefs.SSE_TRANSPORT)) {
      return Kind.SSE;
    }
    return type.equals(L4jRefs.STREAMABLE_TRANSPORT) ? Kind.STREAMABLE : null;
  }

  static String url(Object transport, Kind kind) throws ReflectiveOperationException {
    return String.valueOf((kind == Kind.SSE ? L4jRefs.SSE_URL : L4jRefs.HTTP_URL).get(transport));
  }

  /** Streamable HTTP: the session id the client sends, or null. */
  static Object sessionId(Object transport) throws ReflectiveOperationException {
    return ((AtomicReference<?>) L4jRefs.HTTP_SESSION_ID.get(transport)).get();
  }

  /** Whether the current thread runs the library's initialize for the agent. */
  static boolean reconnecting() {
    return Initializations.reconnecting();
  }

  /** What the version range keeps beside this driver, or null. */
  public SessionListener listener() {
    return listener;
  }

  void setListener(SessionListener l) {
    this.listener = l;
  }

  /** The application's client, or null once it was garbage-collected. */
  Object client() {
    return client.get();
  }

  ListCaches caches() {
    return caches;
  }

  @Override
  public boolean isAlive() {
    return !closed && client.get() != null;
  }

  @Override
  public void onHealthy() {
    SessionListener l = listener;
    if (l != null) {
      l.sessionHealthy();
    }
  }

  @Override
  public boolean sessionIdSent() {
    if (kind == Kind.SSE) {
      return true; // the message endpoint carries the session id
    }
    try {
      Object tr = transport.get();
      return tr != null && sessionId(tr) != null;
    } catch (Throwable t) {
      return false;
    }
  }

  /**
   * An MCP ping through the client's transport, as the library's own health check sends it, but
   * without blocking: the answer completes the future; its id is released either way.
   */
  @Override
  public CompletableFuture<?> ping() {
    try {
      Object c = client.get();
      Object tr = transport.get();
      if (c == null || tr == null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("client was garbage-collected"));
      }
      CompletableFuture<?> pending = initializationInProgress(tr);
      if (pending != null) {
        // a Streamable HTTP request would wait for it on this thread: ping once it is over
        return pending.handle((r, e) -> null).thenCompose(x -> send(c, tr));
      }
      return send(c, tr);
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  private static CompletableFuture<?> send(Object c, Object tr) {
    try {
      long id = ((AtomicLong) L4jRefs.CLIENT_ID_GENERATOR.get(c)).getAndIncrement();
      Object request = L4jRefs.PING_CONSTRUCTOR.construct(c.getClass().getClassLoader(), id);
      CompletableFuture<?> answer =
          (CompletableFuture<?>) L4jRefs.TRANSPORT_SEND.invoke(tr, request);
      Map<?, ?> pendingOperations = (Map<?, ?>) L4jRefs.CLIENT_PENDING.get(c);
      answer.whenComplete((r, e) -> pendingOperations.remove(id));
      return answer;
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  /**
   * Streamable HTTP: the transport is about to send an initialize, at {@code nowNanos}: null when
   * it goes out, else the future it answers instead (an initialization under way, joined; or, for
   * an abandoned attempt, a failure: see {@link Initializations#starting}).
   */
  CompletableFuture<Object> initializationStarting(long nowNanos) {
    return initializations.starting(nowNanos);
  }

  /**
   * Streamable HTTP: the initialize this thread claimed went out and the transport stored it;
   * {@code sent} is the transport's future of it (the session, then its {@code initialized}
   * notification). Returns true when the attempt it belonged to had been abandoned meanwhile: the
   * future the transport stored, which nothing would complete, was cleared and failed.
   */
  boolean initializationSent(Object sent) {
    AtomicReference<Object> stored = null;
    try {
      Object tr = transport.get();
      stored = tr == null ? null : storedInitialization(tr);
    } catch (Throwable t) {
      Log.CONNECTION.debug("could not read the transport's initialization: " + Redact.error(t));
    }
    return initializations.sent(sent, stored); // linked whatever happened
  }

  /**
   * Runs the client's own {@code initialize()} under its initialization lock: legacy SSE opens a
   * new stream (the old one cancelled first, requests waiting on it failed) and learns a new
   * message endpoint; Streamable HTTP starts a new session (and the library opens a notification
   * stream for it when enabled). The list caches are emptied afterwards.
   */
  @Override
  public CompletableFuture<?> reconnect(FailureKind cause) {
    Object c = client.get();
    Object tr = transport.get();
    if (c == null || tr == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("client was garbage-collected"));
    }
    Initializations.Attempt attempt = initializations.begin();
    return CompletableFuture.runAsync(
        () -> {
          if (!initializations.enter(attempt)) {
            // abandoned before it started: nothing to undo
            throw new CompletionException(Initializations.abandoned());
          }
          try {
            initialize(attempt, c, tr);
          } finally {
            initializations.exit(attempt);
          }
        },
        WORKERS);
  }

  private void initialize(Initializations.Attempt attempt, Object c, Object tr) {
    try {
      Lock lock = (Lock) L4jRefs.CLIENT_INITIALIZATION_LOCK.get(c);
      if (!lock.tryLock(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the client's initialization lock is held");
      }
      try {
        if (attempt.abandoned()) {
          // abandoned since it started, and its interrupt met no wait yet
          throw Initializations.abandoned();
        }
        if (kind == Kind.SSE) {
          lastSseStatus = null;
          cancelSseStream(tr);
          dropOldConnections(tr);
          L4jRefs.HANDLER_CANCEL_ALL.invoke(
              L4jRefs.CLIENT_MESSAGE_HANDLER.get(c),
              "the SSE stream was lost; the agent reconnects");
        }
        L4jRefs.CLIENT_INITIALIZE.invoke(c);
        Log.CONNECTION.debug("list caches emptied after the reconnect: " + caches.evict(c));
      } finally {
        lock.unlock();
      }
    } catch (Throwable t) {
      clearFailedInitialization(tr);
      Throwable status = lastSseStatus;
      if (status != null) {
        status.addSuppressed(t);
        throw new CompletionException(
            status); // the HTTP status tells more than the library's message
      }
      throw t instanceof RuntimeException ? (RuntimeException) t : new CompletionException(t);
    }
  }

  /**
   * A reconnect attempt timed out: stop it (its stream is cancelled, its thread interrupted while
   * it still runs it) so that it releases the client's initialization lock and sends no initialize
   * any more, and make Streamable HTTP requests stop waiting for the initialization it left behind,
   * now or as soon as the transport stores it ({@link Initializations#abandon}).
   */
  @Override
  public void abandon() {
    if (!initializations.attemptUnderWay()) {
      return; // a ping timed out: its id is released when it completes, nothing else to undo
    }
    try {
      Object tr = transport.get();
      if (tr != null && kind == Kind.SSE) {
        cancelSseStream(tr);
      }
      initializations.abandon(tr == null ? null : storedInitialization(tr));
    } catch (Throwable t) {
      Log.CONNECTION.debug("could not stop an abandoned reconnect: " + Redact.error(t));
    }
  }

  /**
   * Streamable HTTP: where the transport keeps the future of its initialization under way, which
   * every request first waits for; null for legacy SSE.
   */
  @SuppressWarnings("unchecked")
  private AtomicReference<Object> storedInitialization(Object tr)
      throws ReflectiveOperationException {
    return kind == Kind.STREAMABLE
        ? (AtomicReference<Object>) L4jRefs.HTTP_INITIALIZATION.get(tr)
        : null;
  }

  /**
   * Legacy SSE, before a new stream: cancels the calls of the old session still under way on the
   * transport's own OkHttp client (after a dead path they hang forever and fill the dispatcher's
   * five calls per host, so the new stream's request would wait behind them) and closes its idle
   * pooled connections (after a dead path they look healthy but swallow requests).
   */
  private static void dropOldConnections(Object tr) throws Throwable {
    Object http = L4jRefs.SSE_HTTP_CLIENT.get(tr);
    L4jRefs.DISPATCHER_CANCEL_ALL.invoke(L4jRefs.HTTP_CLIENT_DISPATCHER.invoke(http));
    L4jRefs.POOL_EVICT_ALL.invoke(L4jRefs.HTTP_CLIENT_POOL.invoke(http));
  }

  static void cancelSseStream(Object tr) throws Throwable {
    Object source = L4jRefs.SSE_EVENT_SOURCE.get(tr);
    if (source != null) {
      L4jRefs.EVENT_SOURCE_CANCEL.invoke(source);
    }
  }

  /**
   * Streamable HTTP: the library keeps a failed initialization and fails every later request with
   * it until one succeeds. After a failed attempt of the agent's, requests go out normally instead
   * (and, the server back, renew the session on their own).
   */
  private void clearFailedInitialization(Object tr) {
    if (kind != Kind.STREAMABLE || tr == null) {
      return;
    }
    try {
      AtomicReference<Object> r = storedInitialization(tr);
      Object f = r.get();
      if (f instanceof CompletableFuture && ((CompletableFuture<?>) f).isCompletedExceptionally()) {
        r.compareAndSet(f, null);
      }
    } catch (Throwable t) {
      Log.CONNECTION.debug("could not clear a failed initialization: " + Redact.error(t));
    }
  }

  /** Streamable HTTP: the initialization under way, which every request first waits for. */
  private CompletableFuture<?> initializationInProgress(Object tr)
      throws ReflectiveOperationException {
    if (kind != Kind.STREAMABLE) {
      return null;
    }
    Object f = storedInitialization(tr).get();
    return f instanceof CompletableFuture && !((CompletableFuture<?>) f).isDone()
        ? (CompletableFuture<?>) f
        : null;
  }
}
