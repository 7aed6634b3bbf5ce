package io.github.mcpkeepalive.instrumentation.langchain4j;

import io.github.mcpkeepalive.core.Backoff;
import io.github.mcpkeepalive.core.ConnectionDriver;
import io.github.mcpkeepalive.core.FailureKind;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.core.Reflect;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.core.TaskScheduler;
import io.github.mcpkeepalive.core.Ticker;
import java.lang.ref.WeakReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;

/**
 * Pings and reconnects one langchain4j-mcp {@code DefaultMcpClient} in place, through reflection on
 * the library's own classes: pings go through the client's transport (its headers apply) with
 * the client's own request ids; a reconnect runs the client's own {@code initialize()} under its
 * initialization lock, on a worker thread (it blocks), so the application keeps its client object,
 * and empties its list caches. A Streamable HTTP transport whose application enabled the GET
 * notification stream (1.12 and later) gets a {@link NotificationStream}, re-opened once the
 * session answers.
 */
final class L4jDriver implements ConnectionDriver {

  enum Kind {
    SSE("sse"),
    STREAMABLE("streamable");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** Blocking library calls (initialize) run here, never on the scheduler thread. */
  private static final ExecutorService WORKERS =
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
  volatile boolean closed;

  /** Legacy SSE: the status of the last non-2xx answer to the stream's GET (401, say). */
  volatile Throwable lastSseStatus;

  /** The worker running a reconnect, to interrupt when the attempt is abandoned. */
  private volatile Thread worker;

  /** Streamable HTTP with the GET notification stream enabled by the application, else null. */
  volatile NotificationStream stream;

  L4jDriver(Kind kind, Object client, Object transport) {
    this.kind = kind;
    this.client = new WeakReference<>(client);
    this.transport = new WeakReference<>(transport);
  }

  static Kind kindOf(Object transport) {
    String type = transport.getClass().getName();
    if (type.equals(L4jHooks.SSE_TRANSPORT)) {
      return Kind.SSE;
    }
    return type.equals(L4jHooks.STREAMABLE_TRANSPORT) ? Kind.STREAMABLE : null;
  }

  static String url(Object transport, Kind kind) throws ReflectiveOperationException {
    return String.valueOf(Reflect.get(transport, kind == Kind.SSE ? "sseUrl" : "url"));
  }

  /** Streamable HTTP: the session id the client sends, or null. */
  static Object sessionId(Object transport) throws ReflectiveOperationException {
    Object ref = Reflect.get(transport, "mcpSessionId");
    return ref instanceof AtomicReference ? ((AtomicReference<?>) ref).get() : null;
  }

  /**
   * Streamable HTTP, 1.12 and later: whether the application enabled the GET notification stream
   * ({@code subsidiaryChannel(true)}). False for versions without it.
   */
  static boolean notificationStreamEnabled(Object transport) {
    try {
      Field enabled = Reflect.field(transport.getClass(), "subsidiaryChannelEnabled");
      return enabled.getType() == boolean.class && enabled.getBoolean(transport);
    } catch (NoSuchFieldException | IllegalAccessException e) {
      return false;
    }
  }

  /**
   * The agent's management of the transport's notification stream: {@code adopted} is the stream the
   * library opened while the client's constructor initialized it, if the agent saw it.
   */
  void manageNotificationStream(Object transport, String label, Settings settings, Ticker ticker, NotificationStream.Owner owner, Object adopted)
      throws ReflectiveOperationException {
    Backoff backoff = new Backoff(settings.backoffInitialNanos, settings.backoffMaxNanos, settings.jitter, () -> ThreadLocalRandom.current().nextDouble());
    NotificationStream s = new NotificationStream(new StreamAccess(transport), owner, label, ticker, DELAYED, backoff);
    s.adopt(adopted, Boolean.TRUE.equals(Reflect.get(transport, "subsidiaryChannelEstablished")));
    stream = s;
  }

  /** The library's own members for its notification stream (1.12 and later). */
  private static final class StreamAccess implements NotificationStream.Library {
    private final WeakReference<Object> transport;

    StreamAccess(Object transport) {
      this.transport = new WeakReference<>(transport);
    }

    /** {@code startSubsidiaryChannel(false)}: the library's re-open (session id, headers, Last-Event-ID). */
    @Override
    public CompletableFuture<?> open() {
      Object tr = transport.get();
      if (tr == null) {
        return CompletableFuture.failedFuture(new IllegalStateException("transport was garbage-collected"));
      }
      try {
        return (CompletableFuture<?>) Reflect.call(tr, Reflect.method(tr.getClass(), "startSubsidiaryChannel", boolean.class), false);
      } catch (Throwable t) {
        return CompletableFuture.failedFuture(t);
      }
    }

    /** Cancels the subscriber's {@code Flow.Subscription}: the HTTP client closes the stream. */
    @Override
    public boolean cancel(Object subscriber) {
      try {
        Object subscription = Reflect.get(subscriber, "subscription");
        if (!(subscription instanceof Flow.Subscription)) {
          return false;
        }
        ((Flow.Subscription) subscription).cancel();
        return true;
      } catch (ReflectiveOperationException e) {
        Log.debug("could not end a notification stream: " + Redact.error(e));
        return true; // nothing more can be done for it
      }
    }
  }

  /** Delays for the notification stream's retries; the retry itself hands over to the engine. */
  private static final TaskScheduler DELAYED =
      new TaskScheduler() {
        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
          CompletableFuture<Void> f = CompletableFuture.runAsync(task, CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS, WORKERS));
          return () -> f.cancel(false);
        }

        @Override
        public void execute(Runnable task) {
          WORKERS.execute(task);
        }
      };

  /** Whether the current thread runs the library's initialize for the agent. */
  static boolean reconnecting() {
    return RECONNECTING.get() != null;
  }

  /** The application's client, or null once it was garbage-collected. */
  Object client() {
    return client.get();
  }

  @Override
  public boolean isAlive() {
    return !closed && client.get() != null;
  }

  /** After a successful ping or reconnect: re-open the notification stream if it is closed. */
  @Override
  public void onHealthy() {
    NotificationStream s = stream;
    if (s != null) {
      s.reopenIfClosed();
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
        return CompletableFuture.failedFuture(new IllegalStateException("client was garbage-collected"));
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
      long id = ((AtomicLong) Reflect.get(c, "idGenerator")).getAndIncrement();
      Class<?> pingType = Class.forName("dev.langchain4j.mcp.protocol.McpPingRequest", false, c.getClass().getClassLoader());
      Constructor<?> newPing = pingType.getConstructor(Long.class);
      Object request = newPing.newInstance(id);
      Class<?> messageType = Class.forName("dev.langchain4j.mcp.protocol.McpClientMessage", false, c.getClass().getClassLoader());
      CompletableFuture<?> answer = (CompletableFuture<?>) Reflect.call(tr, Reflect.method(tr.getClass(), "executeOperationWithResponse", messageType), request);
      Map<?, ?> pendingOperations = (Map<?, ?>) Reflect.get(c, "pendingOperations");
      answer.whenComplete((r, e) -> pendingOperations.remove(id));
      return answer;
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
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
      return CompletableFuture.failedFuture(new IllegalStateException("client was garbage-collected"));
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
      Lock lock = (Lock) Reflect.get(c, "initializationLock");
      if (!lock.tryLock(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the client's initialization lock is held");
      }
      try {
        if (kind == Kind.SSE) {
          lastSseStatus = null;
          cancelSseStream(tr);
          dropOldConnections(tr);
          Object handler = Reflect.get(c, "messageHandler");
          Reflect.call(handler, Reflect.method(handler.getClass(), "cancelAllPendingOperations", String.class), "the SSE stream was lost; the agent reconnects");
        }
        Reflect.call(c, Reflect.method(c.getClass(), "initialize"));
        Log.debug("list caches emptied after the reconnect: " + ListCaches.evict(c));
      } finally {
        lock.unlock();
      }
    } catch (Throwable t) {
      clearFailedInitialization(tr);
      Throwable status = lastSseStatus;
      if (status != null) {
        status.addSuppressed(t);
        throw new java.util.concurrent.CompletionException(status); // the HTTP status tells more than the library's message
      }
      throw t instanceof RuntimeException ? (RuntimeException) t : new java.util.concurrent.CompletionException(t);
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
      CompletableFuture<?> pending = tr == null ? null : initializationInProgress(tr);
      if (pending != null) {
        pending.completeExceptionally(new java.util.concurrent.TimeoutException("initialization abandoned by the keepalive agent"));
        clearFailedInitialization(tr);
      }
    } catch (Throwable t) {
      Log.debug("could not stop an abandoned reconnect: " + Redact.error(t));
    }
  }

  /**
   * Legacy SSE, before a new stream: cancels the calls of the old session still under way on the
   * transport's own OkHttp client (after a dead path they hang forever and fill the dispatcher's
   * five calls per host, so the new stream's request would wait behind them) and closes its idle
   * pooled connections (after a dead path they look healthy but swallow requests).
   */
  private static void dropOldConnections(Object tr) throws Throwable {
    Object http = Reflect.get(tr, "client");
    Object dispatcher = Reflect.call(http, Reflect.methodNamed(http.getClass(), "dispatcher", 0));
    Reflect.call(dispatcher, Reflect.methodNamed(dispatcher.getClass(), "cancelAll", 0));
    Object pool = Reflect.call(http, Reflect.methodNamed(http.getClass(), "connectionPool", 0));
    Reflect.call(pool, Reflect.methodNamed(pool.getClass(), "evictAll", 0));
  }

  private static void cancelSseStream(Object tr) throws Throwable {
    Object source = Reflect.get(tr, "mcpSseEventListener");
    if (source != null) {
      Reflect.call(source, Reflect.methodNamed(source.getClass(), "cancel", 0));
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
      Object ref = Reflect.get(tr, "initializeInProgress");
      if (ref instanceof AtomicReference) {
        @SuppressWarnings("unchecked")
        AtomicReference<Object> r = (AtomicReference<Object>) ref;
        Object f = r.get();
        if (f instanceof CompletableFuture && ((CompletableFuture<?>) f).isCompletedExceptionally()) {
          r.compareAndSet(f, null);
        }
      }
    } catch (Throwable t) {
      Log.debug("could not clear a failed initialization: " + Redact.error(t));
    }
  }

  /** Streamable HTTP: the initialization under way, which every request first waits for. */
  private CompletableFuture<?> initializationInProgress(Object tr) throws ReflectiveOperationException {
    if (kind != Kind.STREAMABLE) {
      return null;
    }
    Object ref = Reflect.get(tr, "initializeInProgress");
    Object f = ref instanceof AtomicReference ? ((AtomicReference<?>) ref).get() : null;
    return f instanceof CompletableFuture && !((CompletableFuture<?>) f).isDone() ? (CompletableFuture<?>) f : null;
  }
}
