package io.github.mcpkeepalive.instrumentation.langchain4j.v1_12;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.AgentRuntime.Managed;
import io.github.mcpkeepalive.core.Backoff;
import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.core.TaskScheduler;
import io.github.mcpkeepalive.core.WeakIdentityRegistry;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.L4jDriver;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.L4jHooks;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.L4jRefs;
import java.lang.ref.WeakReference;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Entry points of the notification stream's advice (1.12 and later), and the stream's access to the
 * library through {@link StreamRefs}. Every method catches everything.
 */
public final class StreamHooks {

  /**
   * The stream a transport opened while its client's constructor initialized it, before the client
   * was registered: transport to its subscriber (held weakly; the HTTP client holds it while the
   * stream is open).
   */
  private static final WeakIdentityRegistry<WeakReference<Object>> EARLY_STREAMS =
      new WeakIdentityRegistry<>();

  /** Delays before a stream's retries; the retry itself hands over to the engine. */
  private static final TaskScheduler DELAYED =
      new TaskScheduler() {
        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
          CompletableFuture<Void> f =
              CompletableFuture.runAsync(
                  task,
                  CompletableFuture.delayedExecutor(
                      delayNanos, TimeUnit.NANOSECONDS, L4jDriver.WORKERS));
          return () -> f.cancel(false);
        }

        @Override
        public void execute(Runnable task) {
          L4jDriver.WORKERS.execute(task);
        }
      };

  private StreamHooks() {}

  /**
   * A client was registered: when its application enabled the stream, the agent keeps it from now
   * on, starting from the stream the library opened in the client's constructor.
   */
  static NotificationStream manage(Object transport, Connection c, KeepaliveEngine engine)
      throws Throwable {
    if (!transport.getClass().getName().equals(L4jRefs.STREAMABLE_TRANSPORT)
        || !Boolean.TRUE.equals(StreamRefs.ENABLED.get(transport))) {
      return null;
    }
    Settings settings = engine.settings();
    Backoff backoff = Backoff.of(settings, () -> ThreadLocalRandom.current().nextDouble());
    NotificationStream stream =
        new NotificationStream(
            new LibraryStream(transport),
            cause -> engine.onStreamEnded(c, cause),
            c.label(),
            engine.ticker(),
            DELAYED,
            backoff);
    WeakReference<Object> early = EARLY_STREAMS.get(transport);
    EARLY_STREAMS.remove(transport);
    stream.adopt(
        early == null ? null : early.get(),
        Boolean.TRUE.equals(StreamRefs.ESTABLISHED.get(transport)));
    Log.CONNECTION.info(
        c.id()
            + ": the application enabled the notification stream; the agent re-opens it as soon as the session answers after a cut, and ends the old one when the session is re-initialized");
    return stream;
  }

  /**
   * The server answered a GET for the stream of {@code subscriber} ({@code info}: status and
   * headers).
   */
  public static void answered(Object transport, Object subscriber, Object info) {
    try {
      if (!(info instanceof HttpResponse.ResponseInfo)) {
        return;
      }
      HttpResponse.ResponseInfo response = (HttpResponse.ResponseInfo) info;
      int status = response.statusCode();
      boolean eventStream =
          response
              .headers()
              .firstValue("Content-Type")
              .map(t -> t.contains("text/event-stream"))
              .orElse(false);
      Managed<L4jDriver> m = AgentRuntime.managed(transport, L4jDriver.class);
      if (m == null) {
        if (AgentRuntime.engine() != null && status >= 200 && status < 300 && eventStream) {
          EARLY_STREAMS.put(
              transport, new WeakReference<>(subscriber)); // the client is not registered yet
        }
        return;
      }
      NotificationStream s = streamOf(m);
      if (s != null) {
        s.answered(subscriber, status, eventStream);
      }
    } catch (Throwable t) {
      L4jHooks.internal("notification stream tracking", t);
    }
  }

  /**
   * A subscriber got its subscription ({@code stream}: the notification stream's, not a POST
   * answer's).
   */
  public static void subscribed(Object handler, Object subscriber, boolean stream) {
    try {
      NotificationStream s = stream ? streamOfHandler(handler) : null;
      if (s != null) {
        s.subscribed(subscriber);
      }
    } catch (Throwable t) {
      L4jHooks.internal("notification stream tracking", t);
    }
  }

  /** A subscriber's stream ended: {@code failure}, or cleanly when null. */
  public static void ended(Object handler, Object subscriber, boolean stream, Object failure) {
    try {
      Throwable error = failure instanceof Throwable ? (Throwable) failure : null;
      NotificationStream s = stream ? streamOfHandler(handler) : null;
      if (s != null) {
        Log.CONNECTION.debug(
            "notification stream ended: " + (error == null ? "cleanly" : Redact.error(error)));
        s.ended(subscriber, error);
      }
    } catch (Throwable t) {
      L4jHooks.internal("notification stream tracking", t);
    }
  }

  /**
   * The library schedules its own re-open of the stream (after {@code retry:} or 5 s). For a
   * managed client the agent re-opens it instead; returns true to skip the library's.
   */
  public static boolean libraryReopen(Object transport) {
    try {
      Managed<L4jDriver> m = AgentRuntime.managed(transport, L4jDriver.class);
      return m != null && streamOf(m) != null;
    } catch (Throwable t) {
      L4jHooks.internal("notification stream tracking", t);
      return false;
    }
  }

  private static NotificationStream streamOf(Managed<L4jDriver> m) {
    return m.driver().listener() instanceof NotificationStream
        ? (NotificationStream) m.driver().listener()
        : null;
  }

  private static NotificationStream streamOfHandler(Object handler)
      throws ReflectiveOperationException {
    Object transport = handler == null ? null : L4jRefs.HANDLER_TRANSPORT.get(handler);
    Managed<L4jDriver> m = AgentRuntime.managed(transport, L4jDriver.class);
    return m == null ? null : streamOf(m);
  }

  /** The library's own members for the stream of one transport. */
  private static final class LibraryStream implements NotificationStream.Library {
    private final WeakReference<Object> transport;

    LibraryStream(Object transport) {
      this.transport = new WeakReference<>(transport);
    }

    /**
     * {@code startSubsidiaryChannel(false)}: the library's re-open (session id, headers,
     * Last-Event-ID).
     */
    @Override
    public CompletableFuture<?> open() {
      Object tr = transport.get();
      if (tr == null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("transport was garbage-collected"));
      }
      try {
        return (CompletableFuture<?>) StreamRefs.OPEN.invoke(tr, false);
      } catch (Throwable t) {
        return CompletableFuture.failedFuture(t);
      }
    }

    /** Cancels the subscriber's {@code Flow.Subscription}: the HTTP client closes the stream. */
    @Override
    public boolean cancel(Object subscriber) {
      try {
        Object subscription = StreamRefs.SUBSCRIPTION_FIELD.get(subscriber);
        if (!(subscription instanceof Flow.Subscription)) {
          return false;
        }
        ((Flow.Subscription) subscription).cancel();
        return true;
      } catch (ReflectiveOperationException e) {
        Log.CONNECTION.debug("could not end a notification stream: " + Redact.error(e));
        return true; // nothing more can be done for it
      }
    }
  }
}
