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
import java.util.concurrent.TimeoutException;
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

  /** Set on a worker thread while it runs the library's initialize for the agent. */
  private static final ThreadLocal<Boolean> RECONNECTING = new ThreadLocal<>();

  final Kind kind;
  private final WeakReference<Object> client;
  private final WeakReference<Object> transport;
  private final ListCaches caches;
  volatile boolean closed;

  /** Legacy SSE: the status of the last non-2xx answer to the stream's GET (401, say). */
  volatile Throwable lastSseStatus;

  /** The worker running a reconnect, to interrupt when the attempt is abandoned. */
  private volatile Thread worker;

  private volatile SessionListener listener;

  /** Streamable HTTP: the last initialization of the transport, joined while it is under way. */
  private final AtomicReference<Initialization> initialization = new AtomicReference<>();

  /** The initialization this thread claimed on entering the transport's initialize, to link. */
  private static final ThreadLocal<Initialization> CLAIMED = new ThreadLocal<>();

  /**
   * How long an initialization claimed on entering the transport's initialize may stay unlinked to
   * its request: the method returns within microseconds (it sends asynchronously), so a claim older
   * than that belongs to a call that threw and never will be.
   */
  static final long UNLINKED_CLAIM_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** One initialization of the transport: its end, once linked to the request that went out. */
  private static final class Initialization {
    final CompletableFuture<Object> end = new CompletableFuture<>();
    final long claimedNanos;
    volatile boolean linked;

    Initialization(long claimedNanos) {
      this.claimedNanos = claimedNanos;
    }
  }

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
    return RECONNECTING.get() != null;
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
   * Streamable HTTP: the transport is about to send an initialize, at {@code nowNanos}. Returns the
   * end of an initialization already under way, which this one joins instead of sending a second:
   * after a 404 the library sends again the request object it stored, with the same id, and the
   * second answer's future replaces the first's among the client's pending requests, so whoever
   * waited on the first (the agent's attempt, or another request's retry) would wait until its
   * timeout although the session was renewed. Null when this one goes out, claimed for this thread
   * until {@link #initializationSent} links it.
   */
  CompletableFuture<Object> initializationStarting(long nowNanos) {
    Initialization mine = new Initialization(nowNanos);
    while (true) {
      Initialization current = initialization.get();
      if (current != null
          && !current.end.isDone()
          && (current.linked || nowNanos - current.claimedNanos < UNLINKED_CLAIM_NANOS)) {
        return current.end.copy();
      }
      if (initialization.compareAndSet(current, mine)) {
        if (current != null) {
          current.end.completeExceptionally(
              new IllegalStateException("the transport's initialize ended without a request"));
        }
        CLAIMED.set(mine);
        return null;
      }
    }
  }

  /**
   * Streamable HTTP: the initialize this thread claimed went out; {@code sent} is the transport's
   * future of it (the session, then its {@code initialized} notification).
   */
  void initializationSent(Object sent) {
    Initialization mine = CLAIMED.get();
    CLAIMED.remove();
    if (mine == null) {
      return; // not claimed: the client's first initialization, before it was registered
    }
    mine.linked = true;
    if (!(sent instanceof CompletableFuture)) {
      mine.end.completeExceptionally(new IllegalStateException("the transport sent no initialize"));
      return;
    }
    ((CompletableFuture<?>) sent)
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                mine.end.completeExceptionally(e);
              } else {
                mine.end.complete(r);
              }
            });
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
    return CompletableFuture.runAsync(
        () -> {
          worker = Thread.currentThread();
          RECONNECTING.set(Boolean.TRUE);
          try {
            initialize(c, tr);
          } finally {
            RECONNECTING.remove();
            worker = null;
            Thread.interrupted(); // an abandon that came late must not leak into the next task
          }
        },
        WORKERS);
  }

  private void initialize(Object c, Object tr) {
    try {
      Lock lock = (Lock) L4jRefs.CLIENT_INITIALIZATION_LOCK.get(c);
      if (!lock.tryLock(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the client's initialization lock is held");
      }
      try {
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
   * A reconnect attempt timed out: stop it (its stream is cancelled, its thread interrupted) so
   * that it releases the client's initialization lock, and make Streamable HTTP requests stop
   * waiting for the initialization it left behind.
   */
  @Override
  public void abandon() {
    Thread w = worker;
    if (w == null) {
      return; // a ping timed out: its id is released when it completes, nothing else to undo
    }
    try {
      Object tr = transport.get();
      if (tr != null && kind == Kind.SSE) {
        cancelSseStream(tr);
      }
      w.interrupt();
      TimeoutException abandoned =
          new TimeoutException("initialization abandoned by the keepalive agent");
      CompletableFuture<?> pending = tr == null ? null : initializationInProgress(tr);
      if (pending != null) {
        // cleared first: a request arriving between the two steps starts a fresh initialization
        // instead of joining (and failing with) the abandoned one
        @SuppressWarnings("unchecked")
        AtomicReference<Object> r = (AtomicReference<Object>) L4jRefs.HTTP_INITIALIZATION.get(tr);
        r.compareAndSet(pending, null);
        pending.completeExceptionally(abandoned);
      }
      // the transport may not have stored its initialization yet; the next one must not join it
      Initialization joined = initialization.get();
      if (joined != null) {
        joined.end.completeExceptionally(abandoned);
      }
    } catch (Throwable t) {
      Log.CONNECTION.debug("could not stop an abandoned reconnect: " + Redact.error(t));
    }
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
      @SuppressWarnings("unchecked")
      AtomicReference<Object> r = (AtomicReference<Object>) L4jRefs.HTTP_INITIALIZATION.get(tr);
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
    Object f = ((AtomicReference<?>) L4jRefs.HTTP_INITIALIZATION.get(tr)).get();
    return f instanceof CompletableFuture && !((CompletableFuture<?>) f).isDone()
        ? (CompletableFuture<?>) f
        : null;
  }
}
