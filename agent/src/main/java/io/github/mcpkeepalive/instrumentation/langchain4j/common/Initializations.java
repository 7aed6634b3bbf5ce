package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's reconnect attempts on one langchain4j-mcp client, and (Streamable HTTP) the
 * initializations of its transport, whichever thread starts them: what {@link L4jDriver} and its
 * hooks need to agree on when an attempt times out and is abandoned, at any step of it. Plain
 * objects only; the transport's own future of its initialization under way is handed in as the
 * {@code AtomicReference} that holds it ({@code initializeInProgress}).
 *
 * <p>The transport sends an initialize and only then stores its future, and the client's {@code
 * initialize()}, interrupted, forgets the request's id, so that the answer completes nothing: an
 * initialization that goes out for an abandoned attempt, or is stored after the abandon looked,
 * would never end, and every later initialization would join it, every later request wait for it.
 * Hence: an abandoned attempt sends no initialize any more (its thread may already be past its last
 * interruptible wait); one already claimed is marked, and failed and cleared when it is stored; the
 * attempt's thread is interrupted only while it still runs that attempt.
 */
final class Initializations {

  /**
   * How long an initialization claimed on entering the transport's initialize may stay unlinked to
   * its request: the method returns within microseconds (it sends asynchronously), so a claim older
   * than that belongs to a call that threw and never will be.
   */
  static final long UNLINKED_CLAIM_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** The attempt the current thread runs, if it runs one. */
  private static final ThreadLocal<Attempt> RUNNING = new ThreadLocal<>();

  /** The initialization this thread claimed on entering the transport's initialize, to link. */
  private static final ThreadLocal<Initialization> CLAIMED = new ThreadLocal<>();

  /** One reconnect attempt of the agent's, from its submission to the end of its task. */
  static final class Attempt {
    private final Initializations owner;
    private Thread thread; // guarded by this: set while its task runs
    private boolean abandoned; // guarded by this

    private Attempt(Initializations owner) {
      this.owner = owner;
    }

    synchronized boolean abandoned() {
      return abandoned;
    }

    /** Abandoned: its thread is interrupted if, and only if, it still runs this very attempt. */
    private synchronized void abandon() {
      abandoned = true;
      if (thread != null) {
        thread.interrupt();
      }
    }
  }

  /** One initialization of the transport: its end, once linked to the request that went out. */
  private static final class Initialization {
    final CompletableFuture<Object> end = new CompletableFuture<>();
    final long claimedNanos;
    boolean linked; // guarded by the Initializations
    boolean abandoned; // guarded by the Initializations

    Initialization(long claimedNanos) {
      this.claimedNanos = claimedNanos;
    }
  }

  /**
   * Fails an initialize that an abandoned attempt did not send: {@link #refused} tells it from an
   * initialization joined, for the log.
   */
  static final class NotSent extends TimeoutException {
    private static final long serialVersionUID = 1L;

    NotSent() {
      super("reconnect attempt abandoned by the keepalive agent; its initialize was not sent");
    }
  }

  private Attempt attempt; // guarded by this: the attempt under way, not abandoned
  private Initialization current; // guarded by this: the last initialization claimed

  /** Whether the current thread runs an attempt of the agent's (of any client). */
  static boolean reconnecting() {
    return RUNNING.get() != null;
  }

  /** Whether {@code f} is the failed initialize of an abandoned attempt ({@link #starting}). */
  static boolean refused(CompletableFuture<?> f) {
    if (!f.isCompletedExceptionally()) {
      return false;
    }
    try {
      f.getNow(null);
      return false;
    } catch (Exception e) {
      return e.getCause() instanceof NotSent;
    }
  }

  /** A reconnect attempt is submitted: the one under way from now on. */
  synchronized Attempt begin() {
    attempt = new Attempt(this);
    return attempt;
  }

  /**
   * The task of {@code a} starts on the current thread, which runs it until {@link #exit}; false
   * (run nothing) when it was abandoned before it started. An interrupt left on the (pooled) thread
   * by anything before is cleared first: it is not this attempt's.
   */
  boolean enter(Attempt a) {
    Thread.interrupted();
    synchronized (a) {
      if (a.abandoned) {
        return false;
      }
      a.thread = Thread.currentThread();
    }
    RUNNING.set(a);
    return true;
  }

  /**
   * The task of {@code a} ends: no abandon interrupts this thread from now on, and an interrupt
   * that came while it ended is cleared, so that none reaches the thread's next task.
   */
  void exit(Attempt a) {
    RUNNING.remove();
    synchronized (a) {
      a.thread = null;
    }
    Thread.interrupted();
    synchronized (this) {
      if (attempt == a) {
        attempt = null;
      }
    }
  }

  /** Whether an attempt is under way (submitted, not ended, not abandoned). */
  synchronized boolean attemptUnderWay() {
    return attempt != null;
  }

  /**
   * Streamable HTTP: the transport is about to send an initialize, at {@code nowNanos}. Returns the
   * end of an initialization already under way, which this one joins instead of sending a second:
   * after a 404 the library sends again the request object it stored, with the same id, and the
   * second answer's future replaces the first's among the client's pending requests, so whoever
   * waited on the first (the agent's attempt, or another request's retry) would wait until its
   * timeout although the session was renewed. For the thread of an abandoned attempt, a failed
   * future ({@link NotSent}): nothing goes out. Null when this one goes out, claimed for this
   * thread until {@link #sent} links it.
   */
  CompletableFuture<Object> starting(long nowNanos) {
    Attempt a = RUNNING.get();
    Initialization ended;
    synchronized (this) {
      if (a != null && a.owner == this && a.abandoned()) {
        return CompletableFuture.failedFuture(new NotSent());
      }
      Initialization c = current;
      if (c != null
          && !c.end.isDone()
          && (c.linked || nowNanos - c.claimedNanos < UNLINKED_CLAIM_NANOS)) {
        return c.end.copy();
      }
      current = new Initialization(nowNanos);
      CLAIMED.set(current);
      ended = c;
    }
    if (ended != null) {
      ended.end.completeExceptionally(
          new IllegalStateException("the transport's initialize ended without a request"));
    }
    return null;
  }

  /**
   * Streamable HTTP: the initialize this thread claimed went out and the transport stored its
   * future in {@code stored}; {@code sent} is the future the transport answers (the session, then
   * its {@code initialized} notification). When the initialization was abandoned before the
   * transport stored it, the stored future is cleared and failed at once: nothing would complete
   * it. Returns whether it was.
   */
  boolean sent(Object sent, AtomicReference<Object> stored) {
    Initialization mine = CLAIMED.get();
    CLAIMED.remove();
    if (mine == null) {
      return false; // not claimed: the client's first initialization, before it was registered
    }
    CompletableFuture<?> orphan = null;
    synchronized (this) {
      mine.linked = true;
      // while it is the last claimed, no later initialization was stored: the future is its own
      // (once a later one is claimed, the later one's future replaces it in the transport)
      if (mine.abandoned && current == mine && stored != null) {
        orphan = unfinished(stored.get());
        if (orphan != null && !stored.compareAndSet(orphan, null)) {
          orphan = null;
        }
      }
    }
    if (!(sent instanceof CompletableFuture)) {
      mine.end.completeExceptionally(new IllegalStateException("the transport sent no initialize"));
    } else {
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
    if (orphan != null) {
      orphan.completeExceptionally(abandoned());
      return true;
    }
    return false;
  }

  /**
   * The attempt under way timed out: abandoned (it sends no initialize from now on, its thread is
   * interrupted while it runs it), and so is the last initialization claimed, the attempt's own or
   * one it joined: its end fails now, so that the next one does not join it, and its future,
   * cleared from {@code stored} first (a request arriving in between starts a fresh initialization
   * instead of joining the abandoned one), fails now or, not stored yet, as soon as it is. False
   * when no attempt is under way (a ping timed out): nothing is touched.
   */
  boolean abandon(AtomicReference<Object> stored) {
    Initialization claimed;
    CompletableFuture<?> pending = null;
    synchronized (this) {
      Attempt a = attempt;
      if (a == null) {
        return false;
      }
      attempt = null;
      a.abandon();
      claimed = current;
      if (claimed != null) {
        claimed.abandoned = true;
      }
      if (stored != null) {
        pending = unfinished(stored.get());
        if (pending != null && !stored.compareAndSet(pending, null)) {
          pending = null;
        }
      }
    }
    TimeoutException abandoned = abandoned();
    if (pending != null) {
      pending.completeExceptionally(abandoned);
    }
    if (claimed != null) {
      claimed.end.completeExceptionally(abandoned);
    }
    return true;
  }

  /** What an abandoned attempt, and the initialization it left, fail with. */
  static TimeoutException abandoned() {
    return new TimeoutException("initialization abandoned by the keepalive agent");
  }

  private static CompletableFuture<?> unfinished(Object f) {
    return f instanceof CompletableFuture && !((CompletableFuture<?>) f).isDone()
        ? (CompletableFuture<?>) f
        : null;
  }
}
