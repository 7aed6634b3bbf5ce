package io.github.mcpkeepalive.core;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One MCP client connection known to the agent. Its state changes only on the scheduler thread;
 * {@link #lastReadNanos} is written by the threads that receive messages.
 */
public final class Connection {

  final long id;
  final String name;
  final String library;
  final String transport;
  final String url;

  /** The server of {@link #url}: scheme, host and port. */
  final String server;

  final long intervalNanos;
  final ConnectionDriver driver;

  volatile ConnectionState state = ConnectionState.NEW;
  volatile long stateSinceNanos;
  volatile long lastReadNanos;
  volatile boolean foundInUse;

  // scheduler-thread state
  TaskScheduler.Cancellable pending;
  long currentIntervalNanos;
  int consecutiveFailures;
  int reconnectAttempts;

  /**
   * The backoff step: failed attempts that found no server. An attempt answered by the server (the
   * session is gone) does not advance it.
   */
  int backoffStep;

  long lastBackoffNanos; // the delay before the latest attempt (decorrelated jitter)
  long attemptStartedNanos; // when the attempt under way began
  Runnable abortAttempt; // gives the attempt under way up, as its timeout would; null: none
  boolean attemptRescued; // a request of the application gave an attempt up in this episode

  /**
   * Whether the current attempt already re-initialized once after the server forgot the session.
   */
  boolean reinitializedInAttempt;

  /** Whether an attempt the pacer let start is under way. */
  boolean attemptAdmitted;

  long disconnectedAtNanos;
  long generation;

  /** The {@link #generation} of the latest ping: it is under way while that is current. */
  long pingGeneration = -1;

  /**
   * While UNHEALTHY: another connection to the same server has answered again since this one's
   * pings went unanswered, so the path is back and silence here means this connection is broken.
   */
  boolean pathBack;

  boolean authReported;
  int suspectEvents;

  /** The application objects this connection is found by, held weakly; removed when it closes. */
  private final List<WeakReference<Object>> keys = new ArrayList<>(4);

  /**
   * The class loader of the application's client object, held weakly: where the application's
   * metrics API is to be found (a Spring Boot fat jar's classes are not visible from the agent's).
   */
  private final WeakReference<ClassLoader> applicationLoader;

  /**
   * Whether the connection is CONNECTED or UNHEALTHY with a session since {@link
   * #sessionStartNanos}.
   */
  boolean sessionOpen;

  long sessionStartNanos;

  /** When the connection last left CONNECTED, or {@link #NEVER} while it is CONNECTED or NEW. */
  long leftConnectedNanos = NEVER;

  static final long NEVER = Long.MIN_VALUE;

  /** How late the last idle ping was sent, against its due time (for the scale benchmark). */
  volatile long lastPingLatenessNanos;

  /** Requests of the application waiting for the connection to be re-established. */
  final List<CompletableFuture<Void>> waiters = new ArrayList<>();

  /**
   * Requests of the application that arrived while an attempt was under way: when that attempt
   * fails they get an attempt of their own at once (the server may have come back since it began).
   */
  final List<CompletableFuture<Void>> lateWaiters = new ArrayList<>();

  FailureKind lastFailure;
  volatile String lastError;

  // counters, read by status tooling
  volatile long pingsSent;
  volatile long pingsFailed;
  volatile long lastPingRttNanos = -1;
  volatile long reconnectsAttempted;
  volatile long reconnectsSucceeded;

  Connection(
      long id,
      String name,
      String library,
      String transport,
      String url,
      long intervalNanos,
      ConnectionDriver driver,
      ClassLoader applicationLoader,
      long now) {
    this.id = id;
    this.applicationLoader = new WeakReference<>(applicationLoader);
    this.name = name;
    this.library = library;
    this.transport = transport;
    this.url = url;
    this.server = Pacer.serverOf(url);
    this.intervalNanos = intervalNanos;
    this.driver = driver;
    this.stateSinceNanos = now;
    this.lastReadNanos = now;
  }

  void addKey(Object key) {
    synchronized (keys) {
      keys.removeIf(k -> k.get() == null);
      for (WeakReference<Object> k : keys) {
        if (k.get() == key) {
          return;
        }
      }
      keys.add(new WeakReference<>(key));
    }
  }

  /** The application objects still alive that this connection is registered under. */
  List<Object> keys() {
    List<Object> alive = new ArrayList<>();
    synchronized (keys) {
      for (WeakReference<Object> k : keys) {
        Object o = k.get();
        if (o != null) {
          alive.add(o);
        }
      }
    }
    return alive;
  }

  /** How late, after its due time, the scheduler sent the last idle ping (nanoseconds). */
  public long lastPingLatenessNanos() {
    return lastPingLatenessNanos;
  }

  public String id() {
    return "c" + id;
  }

  public ConnectionDriver driver() {
    return driver;
  }

  /**
   * The class loader of the application's client object this connection was registered with (the
   * system class loader for a class of the JDK's own), or null once that loader is gone.
   */
  public ClassLoader applicationLoader() {
    return applicationLoader.get();
  }

  public String name() {
    return name;
  }

  public String library() {
    return library;
  }

  public String transport() {
    return transport;
  }

  public String url() {
    return url;
  }

  /**
   * Whether the answers to this connection's requests arrive on its long-lived stream rather than
   * on the request's own response (legacy HTTP+SSE): a request sent while that stream is silent
   * waits for an answer that may never come.
   */
  public boolean answersOnStream() {
    return "sse".equals(transport);
  }

  /**
   * Whether a request of the application should wait for the agent before it goes out: while the
   * connection is down or reconnecting, or while it is UNHEALTHY and its answers would come on a
   * stream that has read nothing since a ping went unanswered (it is reconnected for the request).
   * See {@link KeepaliveEngine#onDemand}.
   */
  public boolean holdsRequests() {
    ConnectionState s = state;
    return s == ConnectionState.DISCONNECTED
        || s == ConnectionState.RECONNECTING
        || (s == ConnectionState.UNHEALTHY && answersOnStream());
  }

  public ConnectionState state() {
    return state;
  }

  public long intervalNanos() {
    return intervalNanos;
  }

  public long pingsSent() {
    return pingsSent;
  }

  public long pingsFailed() {
    return pingsFailed;
  }

  public long lastPingRttNanos() {
    return lastPingRttNanos;
  }

  public long reconnectsAttempted() {
    return reconnectsAttempted;
  }

  public long reconnectsSucceeded() {
    return reconnectsSucceeded;
  }

  /** When the connection entered its current state, on the engine's ticker. */
  public long stateSinceNanos() {
    return stateSinceNanos;
  }

  /** The last failure, redacted ({@code SimpleName: message}), or null. */
  public String lastError() {
    return lastError;
  }

  /** A short label for log lines: id, optional configured name, transport and redacted URL. */
  public String label() {
    return id() + (name != null ? " (" + name + ")" : "") + " " + transport + " " + url;
  }

  @Override
  public String toString() {
    return label() + " " + state;
  }
}
