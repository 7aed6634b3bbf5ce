package io.github.mcpkeepalive.instrumentation.langchain4j.v1_12;

import io.github.mcpkeepalive.core.Backoff;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.core.TaskScheduler;
import io.github.mcpkeepalive.core.Ticker;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.SessionListener;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The GET notification stream of one langchain4j-mcp Streamable HTTP transport, as the agent keeps
 * it (1.12 and later, when the application enabled it with {@code subsidiaryChannel(true)}). A
 * stream is known by the library's subscriber object for it.
 *
 * <p>The library re-opens a cut stream after the server's {@code retry:} or 5 s (two re-opens when
 * a stream it re-opened is cut, since both its subscriber and its request report the end; after a
 * server restart that becomes a new GET every 5 s, each replacing the last), and opens a new one on
 * every initialize without closing the old. Here instead: a cut stream is reported to the engine,
 * which pings at once and asks for a new stream as soon as the session answers ({@link
 * #reopenIfClosed}); a stream that cannot be re-opened, or ends within a second, is tried again
 * after 1, 2, 4 … s (the agent's backoff), and through the engine again, so a lost session is
 * renewed first; when a new stream is accepted (a re-initialized session), the previous one is
 * ended. A server that answers 405 offers no stream: no more attempts until one is accepted.
 */
final class NotificationStream implements SessionListener {

  /** A stream that ends sooner than this after it opened counts as a failed attempt. */
  static final long QUICK_END_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** What the stream needs of the library. */
  interface Library {
    /** Opens a stream as the library re-opens one; completes once answered or failed. */
    CompletableFuture<?> open();

    /** Ends the stream of {@code subscriber}; false when it is not subscribed yet. */
    boolean cancel(Object subscriber);
  }

  /** What the stream tells the agent. */
  interface Owner {
    /** The stream is gone: check the session now, then call {@link #reopenIfClosed}. */
    void streamLost(Throwable cause);
  }

  /** Stands for a stream opened before the agent knew the transport (attached later). */
  private static final Object UNKNOWN = new Object();

  private final Library library;
  private final Owner owner;
  private final String label;
  private final Ticker ticker;
  private final TaskScheduler scheduler;
  private final Backoff backoff;

  private Object current; // the open stream's subscriber, UNKNOWN, or null
  private long openedAtNanos;
  private boolean everAccepted;
  private boolean refused;
  private boolean opening;
  private boolean retryPending;
  private long retryGeneration;
  private int failures;
  private long lastDelayNanos; // before the latest re-open (decorrelated jitter)
  private boolean closed;
  private int replaced;
  private final Set<Object> superseded = Collections.newSetFromMap(new WeakHashMap<>());

  NotificationStream(
      Library library,
      Owner owner,
      String label,
      Ticker ticker,
      TaskScheduler scheduler,
      Backoff backoff) {
    this.library = library;
    this.owner = owner;
    this.label = label;
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.backoff = backoff;
  }

  /**
   * The stream the library opened before the agent knew the client (while its constructor
   * initialized it): {@code subscriber}, or, if unknown, whether the library says one was opened.
   */
  synchronized void adopt(Object subscriber, boolean libraryOpenedOne) {
    if (subscriber != null || libraryOpenedOne) {
      current = subscriber != null ? subscriber : UNKNOWN;
      openedAtNanos = ticker.nanoTime();
      everAccepted = true;
    }
  }

  /**
   * The server answered a request for a stream: accepted ({@code 2xx}, an event stream), the
   * previous stream, if any, is ended; otherwise the attempt failed.
   */
  void answered(Object subscriber, int status, boolean eventStream) {
    Object previous = null;
    boolean failed = false;
    int failedBefore;
    synchronized (this) {
      failedBefore = failures;
      if (status >= 200 && status < 300 && eventStream) {
        if (closed) {
          previous = subscriber; // answered a request still under way when the client closed
        } else {
          if (current != null && current != subscriber && current != UNKNOWN) {
            previous = current;
            replaced++;
          }
          current = subscriber;
          openedAtNanos = ticker.nanoTime();
          everAccepted = true;
          refused = false;
        }
      } else if (status == 405) {
        refused = true;
      } else {
        failed = everAccepted;
      }
    }
    if (previous != null) {
      end(previous);
      Log.CONNECTION.debug(
          label
              + ": ended the previous notification stream (a new one was accepted: session re-initialized)");
    } else if (!failed && status >= 200 && status < 300 && eventStream && failedBefore > 0) {
      Log.CONNECTION.info(
          label + ": notification stream open again after " + failedBefore + " failed attempt(s)");
    }
    if (status == 405) {
      Log.CONNECTION.info(
          label
              + ": the server answers the notification stream's GET with 405 (it offers none); not re-opening it until one is accepted");
    } else if (failed) {
      failed("answered HTTP " + status + (eventStream ? "" : ", not an event stream"));
    }
  }

  /** The stream of {@code subscriber} got its subscription: end it if it was replaced meanwhile. */
  void subscribed(Object subscriber) {
    boolean end;
    synchronized (this) {
      end = superseded.remove(subscriber);
    }
    if (end) {
      library.cancel(subscriber);
    }
  }

  /** The stream of {@code subscriber} ended, by an error or cleanly. */
  void ended(Object subscriber, Throwable error) {
    long lived;
    synchronized (this) {
      boolean isCurrent =
          subscriber == current || (current == UNKNOWN && !superseded.contains(subscriber));
      if (!isCurrent || closed) {
        return; // one the agent ended, or ended by the library on close
      }
      current = null;
      lived = ticker.nanoTime() - openedAtNanos;
      if (lived >= QUICK_END_NANOS) {
        failures = 0;
        lastDelayNanos = 0;
      }
    }
    if (lived < QUICK_END_NANOS) {
      failed("ended " + TimeUnit.NANOSECONDS.toMillis(lived) + " ms after it opened");
    } else {
      owner.streamLost(error);
    }
  }

  @Override
  public void sessionHealthy() {
    reopenIfClosed();
  }

  @Override
  public void clientClosed() {
    close();
  }

  /**
   * The session answers (a ping, or a reconnect): when the stream is closed and no retry waits,
   * open it again now.
   */
  void reopenIfClosed() {
    synchronized (this) {
      if (closed || !everAccepted || refused || current != null || opening || retryPending) {
        return;
      }
      opening = true;
    }
    CompletableFuture<?> attempt;
    try {
      attempt = library.open();
    } catch (Throwable t) {
      attempt = CompletableFuture.failedFuture(t);
    }
    long start = ticker.nanoTime();
    attempt.whenComplete(
        (r, err) -> {
          boolean failed;
          synchronized (this) {
            opening = false;
            failed = current == null && !retryPending && !refused && !closed;
          }
          if (failed) {
            failed(err == null ? "the request failed" : Redact.error(err));
          } else {
            Log.CONNECTION.debug(
                label
                    + ": notification stream re-opened in "
                    + TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime() - start)
                    + " ms");
          }
        });
  }

  /**
   * The application closed the client: end the stream (the library leaves it open before Java 21).
   */
  void close() {
    Object open;
    synchronized (this) {
      closed = true;
      retryPending = false;
      retryGeneration++;
      open = current == UNKNOWN ? null : current;
    }
    if (open != null) {
      end(open);
    }
  }

  synchronized boolean isOpen() {
    return current != null;
  }

  /** Streams ended by the agent because a newer one replaced them. */
  synchronized int replaced() {
    return replaced;
  }

  synchronized int failures() {
    return failures;
  }

  /** An attempt failed: try again, through the engine, after the next backoff step. */
  private void failed(String reason) {
    int n;
    long delay;
    long generation;
    synchronized (this) {
      if (closed || retryPending) {
        return;
      }
      n = ++failures;
      delay = backoff.delayNanos(n, lastDelayNanos);
      lastDelayNanos = delay;
      retryPending = true;
      generation = ++retryGeneration;
    }
    Log.log(
        Log.CONNECTION,
        n == 1 ? Log.Level.INFO : Log.Level.DEBUG,
        label
            + ": the notification stream could not be re-opened ("
            + reason
            + "); next attempt in "
            + Settings.seconds(delay)
            + " s"
            + (n == 1
                ? " (backing off while it fails; further attempts are logged at debug level)"
                : ""));
    scheduler.schedule(() -> retry(generation), delay);
  }

  private void retry(long generation) {
    synchronized (this) {
      if (generation != retryGeneration || !retryPending || closed) {
        return;
      }
      retryPending = false;
    }
    owner.streamLost(null);
  }

  /**
   * Ends a stream. Marked first, so that a stream not subscribed yet (its subscription is set by
   * the HTTP client's thread, then {@link #subscribed} runs) is ended there instead.
   */
  private void end(Object subscriber) {
    synchronized (this) {
      superseded.add(subscriber);
    }
    if (library.cancel(subscriber)) {
      synchronized (this) {
        superseded.remove(subscriber);
      }
    }
  }
}
