package io.github.mcpkeepalive.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * The keepalive core: the registry of connections, and per connection the state machine NEW →
 * CONNECTED → UNHEALTHY → DISCONNECTED → RECONNECTING → CONNECTED (CLOSED at the end). It knows no
 * MCP library; a {@link ConnectionDriver} pings and reconnects.
 *
 * <p>Idleness is measured from the last message read on the connection: a ping is sent only when
 * nothing was read for the connection's interval (with jitter). All state changes run on the
 * scheduler's single thread; events from other threads are handed over to it.
 */
public final class KeepaliveEngine {

  private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Settings settings;
  private final Ticker ticker;
  private final TaskScheduler scheduler;
  private final Backoff backoff;
  private final DoubleSupplier random;

  /**
   * At most 6 reconnect attempts to one server start in any 100 ms, and at most 4 are under way at
   * once: a restart storm reaches the server as a ramp.
   */
  /** An attempt under way this long is given up for a request of the application (once). */
  static final long STALE_ATTEMPT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Pacer pacer = new Pacer(6, TimeUnit.MILLISECONDS.toNanos(100), 4);

  private final AtomicLong ids = new AtomicLong();
  private final WeakIdentityRegistry<Connection> byObject = new WeakIdentityRegistry<>();
  private final ConcurrentHashMap<Long, Connection> live = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<ConnectionListener> listeners = new CopyOnWriteArrayList<>();

  public KeepaliveEngine(
      Settings settings, Ticker ticker, TaskScheduler scheduler, DoubleSupplier random) {
    this.settings = settings;
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.random = random;
    this.backoff = Backoff.of(settings, random);
    scheduler.schedule(this::sweep, SWEEP_NANOS);
  }

  public Settings settings() {
    return settings;
  }

  /** The agent's scheduler thread, for the delayed work of a library support. */
  public TaskScheduler scheduler() {
    return scheduler;
  }

  public Ticker ticker() {
    return ticker;
  }

  /**
   * Status tooling (JMX) and metrics; each listener is told of every connection already known and
   * of those to come.
   */
  public void addListener(ConnectionListener l) {
    scheduler.execute(
        () -> {
          listeners.add(l);
          for (Connection c : live.values()) {
            if (c.state != ConnectionState.CLOSED) {
              tell(l, c, "registered", x -> x.registered(c));
            }
          }
        });
  }

  // ------------------------------------------------------------------ registry

  /**
   * Registers a client connection under {@code key} (the application's client object, held weakly).
   * Returns the existing connection when the key is known, or null when a server entry of the
   * configuration disables keepalive for this URL.
   */
  public Connection register(
      Object key, String library, String transport, String rawUrl, ConnectionDriver driver) {
    Connection known = byObject.get(key);
    if (known != null) {
      return known;
    }
    ServerEntry entry = settings.serverFor(rawUrl, transport);
    String url = Redact.url(rawUrl);
    if (entry != null && !entry.enabled()) {
      Log.CONNECTION.info(
          "connection to " + url + " left alone: disabled by configuration entry " + entry);
      return null;
    }
    long interval =
        entry != null && entry.intervalNanos() != null
            ? entry.intervalNanos()
            : settings.intervalNanos;
    Connection c =
        new Connection(
            ids.incrementAndGet(),
            entry == null ? null : entry.name(),
            library,
            transport,
            url,
            interval,
            driver,
            applicationLoader(key),
            ticker.nanoTime());
    Connection stored = byObject.putIfAbsent(key, c);
    if (stored != c) {
      return stored;
    }
    c.addKey(key);
    live.put(c.id, c);
    Log.applicationLoader(c.applicationLoader()); // the MCP libraries log via SLF4J
    Log.CONNECTION.info(
        "discovered "
            + c.label()
            + " ["
            + library
            + "], keepalive every "
            + Settings.seconds(interval)
            + " s of idleness");
    scheduler.execute(() -> announce(c));
    return c;
  }

  private static ClassLoader applicationLoader(Object key) {
    ClassLoader l = key.getClass().getClassLoader();
    return l != null ? l : ClassLoader.getSystemClassLoader();
  }

  /** Makes another application object (a wrapper, the transport) find the same connection. */
  public void alias(Object key, Connection c) {
    if (key != null
        && c != null
        && c.state != ConnectionState.CLOSED
        && byObject.putIfAbsent(key, c) == c) {
      c.addKey(key);
    }
  }

  public Connection find(Object key) {
    return byObject.get(key);
  }

  public Collection<Connection> connections() {
    return new ArrayList<>(live.values());
  }

  // ------------------------------------------------------------------ events, any thread

  /** A message was read for the connection of {@code key}, if it is one the agent keeps. */
  public void onReadOf(Object key) {
    Connection c = find(key);
    if (c != null) {
      onRead(c);
    }
  }

  /** A message was read on the connection: it is alive, and not idle. */
  public void onRead(Connection c) {
    c.lastReadNanos = ticker.nanoTime();
    ConnectionState s = c.state;
    if (s == ConnectionState.NEW
        || s == ConnectionState.UNHEALTHY
        || s == ConnectionState.DISCONNECTED) {
      scheduler.execute(() -> readWhile(c, s));
    }
  }

  /**
   * The connection itself is lost (the stream that carries the session ended): reconnect at once.
   */
  public void onConnectionLost(Connection c, Throwable cause) {
    scheduler.execute(() -> connectionLost(c, cause));
  }

  /**
   * An auxiliary stream ended (the Streamable HTTP notification stream): ping at once to learn
   * whether the session survived; the driver re-opens the stream once it is healthy.
   */
  public void onStreamEnded(Connection c, Throwable cause) {
    onSuspect(
        c,
        "notification stream ended",
        "checking the session with a ping and re-opening the stream",
        cause);
  }

  /**
   * Something suggests the connection may be broken without proving it (an auxiliary stream ended,
   * the library's own health check failed): ping at once; a failed ping that is not a timeout
   * disconnects. The first such event of a connection is logged at INFO, later ones at DEBUG.
   *
   * @param what what happened, for the log ("notification stream ended")
   * @param action what the agent does about it, for the log
   */
  public void onSuspect(Connection c, String what, String action, Throwable cause) {
    scheduler.execute(() -> suspect(c, what, action, cause));
  }

  /**
   * A request of the application failed because the server no longer knows the session: reconnect
   * now rather than at the next backoff step. The future completes when the connection is
   * established again, so that the request can be sent once more, or fails with the attempt.
   *
   * @param requestStartNanos when the failed request was sent (ticker time): a reconnect completed
   *     since then already replaced the session it used
   */
  public CompletableFuture<Void> onSessionLost(
      Connection c, Throwable cause, long requestStartNanos) {
    return requestFailed(
        c,
        cause,
        requestStartNanos,
        FailureKind.SESSION_EXPIRED,
        "a request of the application found the session gone");
  }

  /**
   * A request of the application could not even connect (refused, no route, unknown host), or was
   * answered 503, while the connection was believed up: the server did not process it. As {@link
   * #onSessionLost}, the connection is declared down and an attempt starts now; the future
   * completes with it, so that the request can go out once the connection is back.
   */
  public CompletableFuture<Void> onRequestRefused(
      Connection c, Throwable cause, long requestStartNanos) {
    return requestFailed(
        c,
        cause,
        requestStartNanos,
        FailureKind.UNREACHABLE,
        FailureClassifier.neverSent(cause)
            ? "a request of the application could not connect"
            : "the server answered a request of the application 503 (unavailable, not processed)");
  }

  private CompletableFuture<Void> requestFailed(
      Connection c, Throwable cause, long requestStartNanos, FailureKind kind, String what) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          if (c.state == ConnectionState.NEW && kind == FailureKind.UNREACHABLE) {
            done.completeExceptionally(cause); // no session yet: nothing of the agent's to wait for
            return;
          }
          switch (c.state) {
            case CLOSED:
              done.completeExceptionally(cause);
              return;
            case CONNECTED:
            case UNHEALTHY:
              if (c.state == ConnectionState.CONNECTED
                  && c.stateSinceNanos - requestStartNanos > 0) {
                done.complete(null); // reconnected since the request was sent
                return;
              }
              c.waiters.add(done);
              c.lastError = Redact.error(cause);
              disconnect(c, kind, what + " (" + c.lastError + ")");
              return;
            case DISCONNECTED:
              c.waiters.add(done);
              setPending(c, () -> attempt(c), 0); // the application wants it now: try now
              return;
            default:
              c.waiters.add(done); // NEW or RECONNECTING: an initialization is under way
          }
        });
    return done;
  }

  /**
   * The application makes a request while the connection waits in backoff or reconnects: the next
   * attempt starts now instead of at its scheduled time (the application's own call is as good a
   * reason to try as the schedule, and the server may be back), and the future completes with that
   * attempt: normally once the session is back, exceptionally with the attempt's failure. A request
   * that arrives during an attempt gets one of its own right after, if that one fails: it began
   * before the request, perhaps before the server came back; if the attempt under way has had no
   * answer for a second ({@code STALE_ATTEMPT_NANOS}), the request gives it up and a fresh one
   * starts at once (once per outage). The attempt counts as one of the schedule.
   *
   * <p>On a connection whose answers arrive on its stream (legacy HTTP+SSE) and that is UNHEALTHY
   * (a ping failed, nothing was read since), a request sent now would most likely wait for its
   * whole timeout on a dead stream, and waiting for the next ping's verdict could take as long: the
   * connection is reconnected now, without waiting for the failure threshold, and the request waits
   * for that attempt as above. A stream cut without a FIN (a blackholed link) reads nothing ever
   * again although the server accepts every request sent on a new connection; a reconnect takes one
   * round of initialization when the path works.
   *
   * <p>A connection in any other state, or one whose server rejects the credentials (an attempt per
   * call would hammer it), completes at once: the request goes out as it is.
   */
  public CompletableFuture<Void> onDemand(Connection c) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          if (c.state == ConnectionState.DISCONNECTED && c.lastFailure != FailureKind.AUTH) {
            c.waiters.add(done);
            Log.CONNECTION.debug(
                c.label() + ": a request of the application starts the next attempt now");
            setPending(c, () -> attempt(c), 0);
          } else if (c.state == ConnectionState.RECONNECTING && !c.authReported) {
            c.lateWaiters.add(done); // not while the server rejects the credentials
            if (c.abortAttempt != null
                && !c.attemptRescued
                && ticker.nanoTime() - c.attemptStartedNanos >= STALE_ATTEMPT_NANOS) {
              // an attempt this old has most likely met a dead path (begun before the server or
              // the path came back): the request gets a fresh attempt now instead of waiting for
              // its timeout; once per episode, so that requests cannot keep a slow server from
              // ever finishing one
              c.attemptRescued = true;
              Log.CONNECTION.debug(
                  c.label() + ": a request of the application gives up the attempt under way");
              c.abortAttempt.run();
            }
          } else if (c.state == ConnectionState.UNHEALTHY && c.answersOnStream()) {
            c.waiters.add(done);
            disconnect(
                c,
                c.lastFailure == null ? FailureKind.TIMEOUT : c.lastFailure,
                "a request of the application came while the stream has read nothing since a ping"
                    + " failed");
          } else {
            done.complete(null);
          }
        });
    return done;
  }

  /** The application closed the client: stop all work for it. */
  public void onClosed(Connection c) {
    onClosed(c, "");
  }

  /** The application closed the client, or what it runs on ({@code how}, for the log line). */
  public void onClosed(Connection c, String how) {
    scheduler.execute(() -> close(c, "closed by the application" + how));
  }

  private static final String SHUT_DOWN =
      "closed by the application: its HTTP client's I/O resources were shut down";

  /** A failure that proves the application is stopping ends the connection's keepalive. */
  private boolean closedIfShutDown(Connection c, Throwable failure) {
    if (!FailureClassifier.clientShutDown(failure)) {
      return false;
    }
    close(c, SHUT_DOWN + " (" + Redact.error(failure) + ")");
    return true;
  }

  // ------------------------------------------------------------------ scheduler thread

  private void readWhile(Connection c, ConnectionState seen) {
    if (c.state != seen) {
      return;
    }
    switch (seen) {
      case NEW:
        transition(
            c,
            ConnectionState.CONNECTED,
            c.foundInUse
                ? "session answered; client found in use, built before its classes were woven (a late"
                    + " attach, or a class loader found later)"
                : "session initialized by the application");
        scheduleCheck(c);
        break;
      case UNHEALTHY:
        c.consecutiveFailures = 0;
        transition(c, ConnectionState.CONNECTED, "traffic received");
        scheduleCheck(c);
        pathReturned(c);
        break;
      case DISCONNECTED:
        // the application's own traffic got through: try now instead of waiting out the backoff
        setPending(c, () -> attempt(c), 0);
        break;
      default:
        break;
    }
  }

  private void connectionLost(Connection c, Throwable cause) {
    if (closedIfShutDown(c, cause)
        || (c.state != ConnectionState.CONNECTED && c.state != ConnectionState.UNHEALTHY)) {
      return;
    }
    FailureKind kind =
        cause == null ? FailureKind.PEER_CLOSED : FailureClassifier.classify(cause, false);
    if (kind == FailureKind.OTHER || kind == FailureKind.TIMEOUT) {
      kind = FailureKind.PEER_CLOSED;
    }
    c.lastError = cause == null ? "stream ended" : Redact.error(cause);
    disconnect(c, kind, "stream " + kind.label() + " (" + c.lastError + ")");
  }

  private void suspect(Connection c, String what, String action, Throwable cause) {
    if (closedIfShutDown(c, cause)
        || (c.state != ConnectionState.CONNECTED && c.state != ConnectionState.UNHEALTHY)) {
      return;
    }
    c.lastError = cause == null ? what : Redact.error(cause);
    c.suspectEvents++;
    Log.log(
        Log.CONNECTION,
        c.suspectEvents == 1 ? Log.Level.INFO : Log.Level.DEBUG,
        c.label()
            + ": "
            + what
            + " ("
            + c.lastError
            + "); "
            + action
            + (c.suspectEvents == 1 ? " (further such events are logged at debug level)" : ""));
    sendPing(c, what);
  }

  /**
   * {@code back} answers again after its pings went unanswered or its session was lost: the path to
   * its server works. Every other connection to that server still UNHEALTHY is checked at once
   * instead of at its next ping, and its silence now proves it broken (a legacy SSE stream cut
   * without a FIN reads nothing ever again, though the server accepts every request sent on new
   * connections): an unanswered ping reconnects it without waiting for the failure threshold.
   */
  private void pathReturned(Connection back) {
    for (Connection x : live.values()) {
      if (x != back
          && x.state == ConnectionState.UNHEALTHY
          && !x.pathBack
          && x.server.equals(back.server)) {
        x.pathBack = true;
        Log.CONNECTION.info(
            x.label()
                + ": "
                + back.id()
                + " to the same server answers again; "
                + (pingInFlight(x)
                    ? "the ping under way decides whether this connection must be reconnected"
                    : "pinging now to decide whether this connection must be reconnected"));
        if (!pingInFlight(x)) {
          sendPing(x, null);
        }
      }
    }
  }

  private void scheduleCheck(Connection c) {
    c.currentIntervalNanos = backoff.spread(c.intervalNanos);
    long due = c.lastReadNanos + c.currentIntervalNanos - ticker.nanoTime();
    setPending(c, () -> check(c), Math.max(0, due));
  }

  private void check(Connection c) {
    if (!c.driver.isAlive()) {
      close(c, "client garbage-collected");
      return;
    }
    if (c.state != ConnectionState.CONNECTED && c.state != ConnectionState.UNHEALTHY) {
      return;
    }
    long idle = ticker.nanoTime() - c.lastReadNanos;
    if (c.state == ConnectionState.CONNECTED && idle < c.currentIntervalNanos) {
      setPending(c, () -> check(c), c.currentIntervalNanos - idle);
      return;
    }
    c.lastPingLatenessNanos = ticker.nanoTime() - (c.lastReadNanos + c.currentIntervalNanos);
    sendPing(c, null);
  }

  /**
   * @param after what prompted this ping outside the idle schedule, or null
   */
  private void sendPing(Connection c, String after) {
    long start = ticker.nanoTime();
    c.pingsSent++;
    String timeout =
        "no answer to ping within " + Settings.seconds(settings.pingTimeoutNanos) + " s";
    c.pingGeneration =
        await(
            c,
            invoke(c, true),
            settings.pingTimeoutNanos,
            timeout,
            () -> pingOk(c, ticker.nanoTime() - start),
            err -> pingFailed(c, err, start, after));
  }

  /** Whether a ping is the operation under way (any later one supersedes it). */
  private static boolean pingInFlight(Connection c) {
    return c.pingGeneration == c.generation;
  }

  private void pingOk(Connection c, long rtt) {
    c.lastPingRttNanos = rtt;
    tellAll(c, "ping", l -> l.pingAnswered(c, rtt));
    c.lastReadNanos =
        Math.max(c.lastReadNanos, ticker.nanoTime()); // the answer is a read, hooked or not
    c.consecutiveFailures = 0;
    boolean wasUnhealthy = c.state == ConnectionState.UNHEALTHY;
    if (wasUnhealthy || c.state == ConnectionState.NEW) {
      transition(
          c,
          ConnectionState.CONNECTED,
          "ping answered in " + TimeUnit.NANOSECONDS.toMillis(rtt) + " ms");
    } else {
      Log.CONNECTION.debug(
          c.label() + ": ping answered in " + TimeUnit.NANOSECONDS.toMillis(rtt) + " ms");
    }
    healthy(c);
    scheduleCheck(c);
    if (wasUnhealthy) {
      pathReturned(c);
    }
  }

  private void pingFailed(Connection c, Throwable err, long start, String after) {
    c.pingsFailed++;
    if (closedIfShutDown(c, err)) {
      return;
    }
    FailureKind kind = FailureClassifier.classify(err, c.driver.sessionIdSent());
    c.lastFailure = kind;
    c.lastError = Redact.error(err);
    if (kind == FailureKind.SESSION_EXPIRED || kind == FailureKind.AUTH) {
      disconnect(c, kind, "ping failed: " + kind.label() + " (" + c.lastError + ")");
      return;
    }
    if (after != null && kind != FailureKind.TIMEOUT) {
      disconnect(c, kind, after + " and ping failed: " + kind.label() + " (" + c.lastError + ")");
      return;
    }
    if (c.state == ConnectionState.UNHEALTHY && c.pathBack) {
      disconnect(
          c,
          kind,
          "ping failed: "
              + kind.label()
              + " ("
              + c.lastError
              + ") although another connection to this server answers again");
      return;
    }
    c.consecutiveFailures++;
    String what =
        "ping failed "
            + c.consecutiveFailures
            + "/"
            + settings.failureThreshold
            + ": "
            + kind.label()
            + " ("
            + c.lastError
            + ")";
    if (c.consecutiveFailures >= settings.failureThreshold) {
      disconnect(c, kind, what);
      return;
    }
    if (c.state == ConnectionState.CONNECTED || c.state == ConnectionState.NEW) {
      transition(c, ConnectionState.UNHEALTHY, what);
    } else {
      Log.CONNECTION.info(c.label() + ": " + what);
    }
    long elapsed = ticker.nanoTime() - start;
    setPending(c, () -> check(c), Math.max(0, settings.pingTimeoutNanos - elapsed));
  }

  private void disconnect(Connection c, FailureKind kind, String reason) {
    c.lastFailure = kind;
    c.disconnectedAtNanos = ticker.nanoTime();
    c.reconnectAttempts = 0;
    c.backoffStep = 0;
    c.lastBackoffNanos = 0;
    c.attemptRescued = false;
    c.consecutiveFailures = 0;
    if (kind == FailureKind.AUTH) {
      long delay = backoff.capNanos();
      transition(
          c,
          ConnectionState.DISCONNECTED,
          reason + "; next attempt in " + Settings.seconds(delay) + " s");
      reportAuthOnce(c, delay);
      setPending(c, () -> attempt(c), delay);
      return;
    }
    transition(c, ConnectionState.DISCONNECTED, reason + "; reconnecting now");
    setPending(c, () -> attempt(c), 0);
  }

  private void attempt(Connection c) {
    if (!c.driver.isAlive()) {
      close(c, "client garbage-collected");
      return;
    }
    long wait = pacer.admit(c.server, ticker.nanoTime(), random.getAsDouble());
    if (wait > 0) {
      Log.CONNECTION.debug(
          c.label() + ": attempt paced by " + TimeUnit.NANOSECONDS.toMillis(wait) + " ms");
      setPending(c, () -> attempt(c), wait); // many connections to this server are reconnecting
      return;
    }
    c.attemptAdmitted = true;
    c.reconnectAttempts++;
    c.reconnectsAttempted++;
    c.reinitializedInAttempt = false;
    transition(c, ConnectionState.RECONNECTING, "attempt " + c.reconnectAttempts, !c.authReported);
    reconnectNow(c);
  }

  /** The driver's reconnect, awaited within the attempt timeout. */
  private void reconnectNow(Connection c) {
    long start = ticker.nanoTime();
    String timeout =
        "reconnect attempt took longer than "
            + Settings.seconds(settings.reconnectTimeoutNanos())
            + " s";
    CompletableFuture<?> f = invoke(c, false);
    long g =
        await(
            c,
            f,
            settings.reconnectTimeoutNanos(),
            timeout,
            () -> reconnected(c, ticker.nanoTime() - start),
            err -> attemptFailed(c, err));
    c.attemptStartedNanos = start;
    c.abortAttempt =
        () -> {
          if (c.generation == g && c.state == ConnectionState.RECONNECTING && !f.isDone()) {
            f.cancel(true);
            abandon(c);
            c.lateWaiters.addAll(c.waiters); // all who waited for it wait for the fresh one
            c.waiters.clear();
            attemptFailed(
                c,
                new TimeoutException(
                    "no answer after "
                        + TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime() - start)
                        + " ms, given up for a request of the application"));
          }
        };
  }

  /**
   * Waits for a ping or reconnect of the driver, on the scheduler thread: its outcome, or its
   * timeout (then it is cancelled and the driver told to clean up), whichever comes first; a late
   * outcome of a superseded operation is ignored.
   */
  private long await(
      Connection c,
      CompletableFuture<?> f,
      long timeoutNanos,
      String timeoutText,
      Runnable ok,
      Consumer<Throwable> failed) {
    long g =
        setPending(
            c,
            () -> {
              f.cancel(true);
              abandon(c);
              failed.accept(new TimeoutException(timeoutText));
            },
            timeoutNanos);
    f.whenComplete(
        (r, err) ->
            scheduler.execute(
                () -> {
                  if (c.generation != g) {
                    return;
                  }
                  if (err == null) {
                    ok.run();
                  } else {
                    failed.accept(err);
                  }
                }));
    return g;
  }

  /** The attempt under way ended: the pacer lets the next one to its server start. */
  private void attemptEnded(Connection c) {
    c.abortAttempt = null;
    if (c.attemptAdmitted) {
      c.attemptAdmitted = false;
      pacer.done(c.server);
    }
  }

  private void reconnected(Connection c, long took) {
    attemptEnded(c);
    c.reconnectsSucceeded++;
    long down = ticker.nanoTime() - c.disconnectedAtNanos;
    transition(
        c,
        ConnectionState.CONNECTED,
        "session re-initialized in "
            + TimeUnit.NANOSECONDS.toMillis(took)
            + " ms after "
            + c.reconnectAttempts
            + " attempt(s), "
            + TimeUnit.NANOSECONDS.toMillis(down)
            + " ms after the failure");
    c.reconnectAttempts = 0;
    c.backoffStep = 0;
    c.lastBackoffNanos = 0;
    c.attemptRescued = false;
    c.consecutiveFailures = 0;
    c.authReported = false;
    c.lastReadNanos = ticker.nanoTime();
    healthy(c);
    scheduleCheck(c);
    pathReturned(c);
  }

  private void attemptFailed(Connection c, Throwable err) {
    FailureKind kind = FailureClassifier.classify(err, c.driver.sessionIdSent());
    if (kind == FailureKind.SESSION_EXPIRED
        && !c.reinitializedInAttempt
        && !FailureClassifier.clientShutDown(err)) {
      // the server answered: it is back and has forgotten the session; that is no failed attempt,
      // the same attempt initializes a new session at once
      c.reinitializedInAttempt = true;
      c.lastFailure = kind;
      c.lastError = Redact.error(err);
      Log.CONNECTION.info(
          c.label()
              + ": attempt "
              + c.reconnectAttempts
              + ": the server is back and no longer knows the session; initializing a new one in the same attempt");
      reconnectNow(c);
      return;
    }
    attemptEnded(c);
    failWaiters(c.waiters, err);
    if (closedIfShutDown(c, err)) {
      return;
    }
    c.lastFailure = kind;
    c.lastError = Redact.error(err);
    String reason =
        "attempt " + c.reconnectAttempts + " failed: " + kind.label() + " (" + c.lastError + ")";
    if (kind == FailureKind.AUTH) {
      failWaiters(c.lateWaiters, err);
      long delay = backoff.capNanos();
      transition(
          c,
          ConnectionState.DISCONNECTED,
          reason + "; next attempt in " + Settings.seconds(delay) + " s",
          !c.authReported);
      reportAuthOnce(c, delay);
      setPending(c, () -> attempt(c), delay);
      return;
    }
    if (kind != FailureKind.TIMEOUT) {
      c.authReported = false; // a timeout says nothing of the credentials: still rejected, not news
    }
    if (kind != FailureKind.SESSION_EXPIRED) {
      c.backoffStep++; // no server answered: the next attempt waits longer
    }
    long delay = backoff.delayNanos(Math.max(1, c.backoffStep), c.lastBackoffNanos);
    c.lastBackoffNanos = delay;
    if (!c.lateWaiters.isEmpty()) {
      c.waiters.addAll(c.lateWaiters); // requests that came during this attempt: one of their own
      c.lateWaiters.clear();
      delay = 0;
      reason += "; requests of the application arrived during it";
    }
    transition(
        c,
        ConnectionState.DISCONNECTED,
        reason + "; next attempt in " + Settings.seconds(delay) + " s");
    setPending(c, () -> attempt(c), delay);
  }

  private void reportAuthOnce(Connection c, long delay) {
    if (!c.authReported) {
      c.authReported = true;
      Log.CONNECTION.warn(
          c.label()
              + ": the server rejects the application's credentials (HTTP 401/403); fast retries would not help, so the agent retries every ~"
              + Settings.seconds(delay)
              + " s (backoff_max) and logs nothing more until it succeeds or fails differently");
    }
  }

  private void abandon(Connection c) {
    try {
      c.driver.abandon();
    } catch (Throwable t) {
      Log.CONNECTION.debug(c.label() + ": cleanup after a timeout failed: " + Redact.error(t));
    }
  }

  private void healthy(Connection c) {
    try {
      c.driver.onHealthy();
    } catch (Throwable t) {
      Log.CONNECTION.debug(c.label() + ": post-recovery step failed: " + Redact.error(t));
    }
  }

  private void close(Connection c, String reason) {
    if (c.state == ConnectionState.CLOSED) {
      return;
    }
    attemptEnded(c);
    cancelPending(c);
    transition(c, ConnectionState.CLOSED, reason);
    live.remove(c.id);
    for (Object key : c.keys()) {
      byObject.remove(key, c); // its own keys only: no walk over every connection
    }
    tellAll(c, "closed", l -> l.closed(c));
  }

  private void announce(Connection c) {
    if (c.state != ConnectionState.CLOSED) {
      tellAll(c, "registered", l -> l.registered(c));
    }
  }

  /** Tells every listener; one that throws is logged and the others are told all the same. */
  private void tellAll(Connection c, String what, Consumer<ConnectionListener> event) {
    for (ConnectionListener l : listeners) {
      tell(l, c, what, event);
    }
  }

  private static void tell(
      ConnectionListener l, Connection c, String what, Consumer<ConnectionListener> event) {
    try {
      event.accept(l);
    } catch (Throwable t) {
      Log.CONNECTION.debug(
          "a listener (JMX, metrics) failed for " + c.id() + " (" + what + "): " + Redact.error(t));
    }
  }

  /**
   * A client that existed before the agent was attached, found when the application used it: ask it
   * at once whether its session still works, so that a connection broken before the attach is
   * repaired now.
   */
  public void onDiscoveredInUse(Connection c) {
    c.foundInUse = true;
    scheduler.execute(
        () -> {
          if (c.state == ConnectionState.NEW) {
            sendPing(c, "client found in use, built before its classes were woven");
          }
        });
  }

  private void sweep() {
    try {
      pacer.trim(ticker.nanoTime());
      Map<String, Integer> underWay = new HashMap<>();
      for (Connection c : live.values()) {
        if (c.attemptAdmitted) {
          underWay.merge(c.server, 1, Integer::sum);
        }
      }
      pacer.recount(underWay); // a slot lost to a path not foreseen is never lost for good
      List<Connection> gone = new ArrayList<>();
      for (Connection c : live.values()) {
        if (!c.driver.isAlive()) {
          gone.add(c);
        }
      }
      for (Connection c : gone) {
        close(c, "client garbage-collected");
      }
    } finally {
      scheduler.schedule(this::sweep, SWEEP_NANOS);
    }
  }

  private CompletableFuture<?> invoke(Connection c, boolean ping) {
    try {
      CompletableFuture<?> f =
          ping
              ? c.driver.ping()
              : c.driver.reconnect(c.lastFailure == null ? FailureKind.OTHER : c.lastFailure);
      return f == null
          ? CompletableFuture.failedFuture(new IllegalStateException("driver returned no result"))
          : f;
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  private long setPending(Connection c, Runnable task, long delayNanos) {
    cancelPending(c);
    long g = c.generation;
    c.pending =
        scheduler.schedule(
            () -> {
              if (c.generation == g && c.state != ConnectionState.CLOSED) {
                task.run();
              }
            },
            delayNanos);
    return g;
  }

  private void cancelPending(Connection c) {
    c.generation++;
    if (c.pending != null) {
      c.pending.cancel();
      c.pending = null;
    }
  }

  private void transition(Connection c, ConnectionState to, String reason) {
    transition(c, to, reason, true);
  }

  private void transition(Connection c, ConnectionState to, String reason, boolean atInfo) {
    ConnectionState from = c.state;
    long now = ticker.nanoTime();
    c.state = to;
    c.stateSinceNanos = now;
    c.pathBack = false;
    Log.log(
        Log.CONNECTION,
        atInfo ? Log.Level.INFO : Log.Level.DEBUG,
        c.label() + ": " + from + " -> " + to + " (" + reason + ")");
    if (to == ConnectionState.CONNECTED) {
      release(c, null);
    } else if (to == ConnectionState.CLOSED) {
      release(c, new IllegalStateException("client closed"));
    }
    if (from != to) {
      measure(c, from, to, now);
    }
  }

  /**
   * The durations a change of state ends, for the listeners (metrics): a recovery runs from the
   * moment the connection left CONNECTED until it is CONNECTED again; a session from the moment it
   * was CONNECTED until it is found broken (DISCONNECTED: {@code lastFailure} says why) or closed.
   * UNHEALTHY keeps the session: nothing proved it lost yet.
   */
  private void measure(Connection c, ConnectionState from, ConnectionState to, long now) {
    if (to == ConnectionState.CONNECTED) {
      if (c.leftConnectedNanos != Connection.NEVER) {
        long took = now - c.leftConnectedNanos;
        c.leftConnectedNanos = Connection.NEVER;
        tellAll(c, "recovered", l -> l.recovered(c, took));
      }
      if (!c.sessionOpen) {
        c.sessionOpen = true;
        c.sessionStartNanos = now;
      }
      return;
    }
    if (from == ConnectionState.CONNECTED && to != ConnectionState.CLOSED) {
      c.leftConnectedNanos = now;
    }
    if (c.sessionOpen && to != ConnectionState.UNHEALTHY) {
      c.sessionOpen = false;
      long lasted = now - c.sessionStartNanos;
      FailureKind why = to == ConnectionState.CLOSED ? null : c.lastFailure;
      tellAll(c, "session", l -> l.sessionEnded(c, lasted, why));
    }
  }

  /** Lets every request waiting for a reconnect go on: resent when {@code failure} is null. */
  private static void release(Connection c, Throwable failure) {
    failWaiters(c.waiters, failure);
    failWaiters(c.lateWaiters, failure);
  }

  /** Completes {@code waiters} (normally when {@code failure} is null) and empties the list. */
  private static void failWaiters(List<CompletableFuture<Void>> waiters, Throwable failure) {
    if (waiters.isEmpty()) {
      return;
    }
    List<CompletableFuture<Void>> waiting = new ArrayList<>(waiters);
    waiters.clear();
    for (CompletableFuture<Void> w : waiting) {
      if (failure == null) {
        w.complete(null);
      } else {
        w.completeExceptionally(failure);
      }
    }
  }
}
