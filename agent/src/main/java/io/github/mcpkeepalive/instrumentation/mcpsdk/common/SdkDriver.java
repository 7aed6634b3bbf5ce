package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import io.github.mcpkeepalive.core.ConnectionDriver;
import io.github.mcpkeepalive.core.FailureKind;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import java.lang.ref.WeakReference;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Pings and reconnects one MCP Java SDK client in place, through reflection on the client's own
 * classes. The application keeps its {@code McpSyncClient}/{@code McpAsyncClient} objects; the
 * agent swaps what is broken inside them and re-runs the SDK's own initialization, with the
 * application's client info, capabilities, headers and customizers.
 */
public final class SdkDriver implements ConnectionDriver {

  private static final Consumer<Object> IGNORE = x -> {};

  /**
   * Set while the agent builds its own request (a ping, a reconnect attempt): such a request must
   * not wait for an attempt, which would be waiting for it.
   */
  static final ThreadLocal<Boolean> AGENT_REQUEST = new ThreadLocal<>();

  private final SdkTransport access;
  private final WeakReference<Object> asyncClient;
  private final WeakReference<Object> transport;
  private final WeakReference<Object> initializer;
  private volatile WeakReference<Object> syncClient;
  volatile boolean closed;

  /** The last error a stream of this connection reported (the SDK swallows them). */
  volatile Throwable lastStreamError;

  /**
   * Streamable HTTP: how many GET notification streams of {@link #countedSession} are open (the
   * WebClient transport opens the next before the last one has ended when it resumes a stream). A
   * count belongs to one session: the SDK replaces a session without the agent, and the ends of the
   * old session's streams are not counted.
   */
  private int getStreams;

  private Object countedSession;

  volatile long getStreamOpenedAtNanos;

  /** Streamable HTTP: the last 401/403 a POST was answered with, and when (0: none). */
  private volatile int rejectedStatus;

  private volatile long rejectedAtNanos;
  volatile int quickGetStreamEnds;

  SdkDriver(SdkTransport access, Object asyncClient, Object transport, Object initializer) {
    this.access = access;
    this.asyncClient = new WeakReference<>(asyncClient);
    this.transport = new WeakReference<>(transport);
    this.initializer = new WeakReference<>(initializer);
  }

  void setSyncClient(Object sync) {
    this.syncClient = new WeakReference<>(sync);
  }

  /** The client's transport, or null once it was garbage-collected. */
  public Object transport() {
    return transport.get();
  }

  /** How the support reaches the client's transport class. */
  public SdkTransport access() {
    return access;
  }

  SdkTransport.Kind kind() {
    return access.kind();
  }

  @Override
  public boolean isAlive() {
    return !closed && asyncClient.get() != null;
  }

  @Override
  public CompletableFuture<?> ping() {
    long started = System.nanoTime();
    try {
      Object client = asyncClient.get();
      if (client == null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("client was garbage-collected"));
      }
      Object mono;
      AGENT_REQUEST.set(Boolean.TRUE); // the agent's own request: never waits for an attempt
      try {
        mono = SdkRefs.ASYNC_PING.invoke(client);
      } finally {
        AGENT_REQUEST.remove();
      }
      WeakReference<Object> syncRef = syncClient;
      Object sync = syncRef == null ? null : syncRef.get();
      if (sync != null) {
        // the sync client adds the application's transport context (used by auth customizers)
        mono = SdkRefs.SYNC_WITH_CONTEXT.invoke(sync, mono);
      }
      return toFuture(mono)
          .exceptionallyCompose(err -> CompletableFuture.failedFuture(withStatus(err, started)));
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  @Override
  public CompletableFuture<?> reconnect(FailureKind cause) {
    try {
      Object init = initializer.get();
      Object tr = transport.get();
      if (init == null || tr == null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("client was garbage-collected"));
      }
      boolean initInFlight = initializationInFlight(init);
      if (!initInFlight) {
        if (cause == FailureKind.TIMEOUT) {
          // the path went silent: pooled connections to the server may be dead without knowing it
          dropIdleConnections(tr);
        }
        if (kind() == SdkTransport.Kind.SSE) {
          resetSseTransport(tr);
          resetInitialization(init);
        } else if (cause == FailureKind.TIMEOUT || cause == FailureKind.OTHER) {
          // the path went silent: its connections (the GET stream among them) may be dead; or the
          // session failed in a way the agent cannot read (SDK 0.18 can take an error answer to a
          // request sent during re-initialization for the initialize answer, and then lacks the
          // session id the server wants: "400 Session ID required" forever): start a clean session
          // rather than trust it
          resetStreamableSession(tr);
          resetInitialization(init);
        }
        // otherwise Streamable HTTP keeps its session: the ping below tells whether the server
        // still
        // knows it, and an expired session is replaced by the SDK and the ping retried (see
        // SdkHooks)
      }
      return ping();
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  /** A POST of this connection was answered 401 or 403. */
  void rejected(int status) {
    rejectedAtNanos = System.nanoTime();
    rejectedStatus = status;
  }

  /**
   * A failure, with the status the server rejected the credentials with when that happened since
   * {@code sinceNanos}: the error of SDK 0.16 to 1.1 does not name it.
   */
  Throwable withStatus(Throwable error, long sinceNanos) {
    int status = rejectedStatus;
    if (status == 0 || rejectedAtNanos - sinceNanos < 0) {
      return error;
    }
    return new java.io.IOException("server answered HTTP status " + status, error);
  }

  /**
   * After a timed-out attempt: drop the initialization it left behind, so that the application's
   * next call starts a fresh one instead of joining one that will never finish.
   */
  @Override
  public void abandon() {
    try {
      Object init = initializer.get();
      if (init != null && initializationInFlight(init)) {
        resetInitialization(init);
      }
    } catch (Throwable t) {
      Log.CONNECTION.debug("could not drop an abandoned initialization: " + Redact.error(t));
    }
  }

  /**
   * For a client found in use after a late attach: when its legacy SSE stream has already ended
   * (before the agent could see it), make the request now under way start a fresh stream and
   * session instead of failing on the dead one. Only field swaps: safe on the application's thread.
   */
  boolean repairDeadSseStream() throws Throwable {
    Object tr = transport.get();
    Object init = initializer.get();
    if (kind() != SdkTransport.Kind.SSE
        || tr == null
        || init == null
        || initializationInFlight(init)) {
      return false;
    }
    Object sub = sse().stream(tr);
    if (sub != null && !Boolean.TRUE.equals(SdkRefs.DISPOSABLE_IS_DISPOSED.invoke(sub))) {
      return false; // the stream is alive (an initialized client without one has lost it: 2.1
      // clears the field)
    }
    resetSseTransport(tr);
    resetInitialization(init);
    return true;
  }

  @Override
  public boolean sessionIdSent() {
    if (kind() == SdkTransport.Kind.SSE) {
      return true; // the message endpoint carries the session id
    }
    try {
      Object tr = transport.get();
      return tr != null && currentSessionId(tr).isPresent();
    } catch (Throwable t) {
      return false;
    }
  }

  @Override
  public void onHealthy() {
    if (kind() == SdkTransport.Kind.STREAMABLE && openGetStreams() <= 0) {
      reopenGetStream();
    }
  }

  /** Opens the Streamable HTTP GET stream again, as the SDK does after initialization. */
  void reopenGetStream() {
    Object tr = transport.get();
    if (tr == null || closed) {
      return;
    }
    try {
      if (currentSessionId(tr).isEmpty()) {
        return; // stateless server: there is no session stream to open
      }
      if (quickGetStreamEnds >= 3) {
        Log.once(
            Log.Level.INFO,
            "sdk-get-refused-" + System.identityHashCode(tr),
            "server ends the notification stream at once (no GET support?); not re-opening it for this session");
        return;
      }
      Object mono = streamable().openGetStream(tr); // the woven transport counts it open
      SdkRefs.MONO_SUBSCRIBE.invoke(mono, IGNORE, IGNORE);
      Log.CONNECTION.debug("re-opened the notification stream");
    } catch (Throwable t) {
      Log.CONNECTION.debug("could not re-open the notification stream: " + Redact.error(t));
    }
  }

  private Optional<?> currentSessionId(Object tr) throws Throwable {
    Object session = activeSession(tr);
    if (session == null) {
      return Optional.empty();
    }
    Object id = SdkRefs.TRANSPORT_SESSION_ID.invoke(session);
    return id instanceof Optional ? (Optional<?>) id : Optional.empty();
  }

  static boolean initializationInFlight(Object init) throws Throwable {
    Object current = ((AtomicReference<?>) SdkRefs.INITIALIZATION_REF.get(init)).get();
    return current != null
        && ((AtomicReference<?>) SdkRefs.INITIALIZATION_RESULT.get(current)).get() == null;
  }

  /** Drops the completed initialization (and its session) so the next request initializes anew. */
  private static void resetInitialization(Object init) throws Throwable {
    Object old = ((AtomicReference<?>) SdkRefs.INITIALIZATION_REF.get(init)).getAndSet(null);
    if (old != null) {
      SdkRefs.INITIALIZATION_CLOSE.invoke(old);
    }
  }

  /**
   * Legacy SSE, when the stream ends: requests waiting for the message endpoint fail now (instead
   * of at their timeout), and the next connect, by the application or the agent, can take a new
   * {@code endpoint} event.
   */
  void replaceEndpointSink(Object tr, Throwable cause) throws Throwable {
    Object old = sse().endpointSink(tr);
    sse().endpointSink(tr, newSink(tr));
    if (old != null) {
      java.io.IOException ended =
          new java.io.IOException("SSE stream ended" + (cause == null ? "" : ": " + cause), cause);
      SdkRefs.SINK_TRY_EMIT_ERROR.invoke(old, ended);
    }
  }

  private static Object newSink(Object tr) throws Throwable {
    return SdkRefs.SINKS_ONE.invokeStatic(tr.getClass().getClassLoader());
  }

  /** Legacy SSE: dispose the dead stream and accept a new {@code endpoint} event. */
  private void resetSseTransport(Object tr) throws Throwable {
    Object sub = sse().takeStream(tr);
    if (sub != null) {
      SdkRefs.DISPOSABLE_DISPOSE.invoke(sub);
    }
    sse().endpointSink(tr, newSink(tr));
  }

  private void dropIdleConnections(Object tr) {
    try {
      access.dropIdleConnections(tr);
    } catch (Throwable t) {
      Log.CONNECTION.debug("could not drop idle pooled connections: " + Redact.error(t));
    }
  }

  /** Streamable HTTP: replace the transport session (closing the old one and its streams). */
  private void resetStreamableSession(Object tr) throws Throwable {
    Object fresh = streamable().createSession(tr);
    Object old = streamable().sessionRef(tr).getAndSet(fresh);
    if (old != null) {
      SdkRefs.TRANSPORT_SESSION_CLOSE.invoke(old);
    }
  }

  @SuppressWarnings("unchecked")
  static CompletableFuture<Object> toFuture(Object mono) throws Throwable {
    return (CompletableFuture<Object>) SdkRefs.MONO_TO_FUTURE.invoke(mono);
  }

  /** Streamable HTTP: a GET stream of {@code session} is being opened. */
  synchronized void getStreamOpened(Object session) {
    if (session != countedSession) {
      countedSession = session;
      getStreams = 0;
    }
    getStreams++;
  }

  /**
   * Streamable HTTP: a GET stream of {@code session} ended; returns how many of that session's
   * streams are still open.
   */
  synchronized int getStreamClosed(Object session) {
    if (session == countedSession && getStreams > 0) {
      getStreams--;
    }
    return session == countedSession ? getStreams : 0;
  }

  /** Streamable HTTP: how many GET streams of the transport's current session are open. */
  int openGetStreams() {
    try {
      Object tr = transport.get();
      Object session = tr == null ? null : activeSession(tr);
      synchronized (this) {
        return session != null && session == countedSession ? getStreams : 0;
      }
    } catch (Throwable t) {
      return 0;
    }
  }

  /** Streamable HTTP: the transport's current session. */
  Object activeSession(Object tr) throws Throwable {
    return streamable().sessionRef(tr).get();
  }

  private SdkTransport.Sse sse() {
    return (SdkTransport.Sse) access;
  }

  private SdkTransport.Streamable streamable() {
    return (SdkTransport.Streamable) access;
  }
}
