package io.github.mcpkeepalive.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The keepalive state machine, driven by a fake clock and scheduler and a hand-answered driver. */
class KeepaliveEngineTest {

  static final String URL = "http://mcp.example.com/mcp?api_key=SECRET123";

  final FakeTime time = new FakeTime();
  final List<String> log = new ArrayList<>();
  double random = 0.5; // spread factor 1.0: no jitter unless a test changes it
  FakeDriver driver;
  KeepaliveEngine engine;
  Connection c;

  @BeforeEach
  void setUp() {
    Log.setSink(log::add);
    Log.setLevel(Log.Level.INFO);
  }

  @AfterEach
  void tearDown() {
    Log.setSink(null);
    Log.setLevel(Log.Level.INFO);
  }

  Settings settings(List<ServerEntry> servers) {
    return new Settings(
        true,
        secs(10),
        secs(2),
        3,
        secs(1),
        secs(8),
        0.1,
        Settings.DEFAULT_BACKOFF_JITTER,
        Log.Level.INFO,
        servers);
  }

  static long secs(double s) {
    return FakeTime.secs(s);
  }

  /** A connection that the application initialized at time zero. */
  void connected() {
    engine = new KeepaliveEngine(settings(List.of()), time, time, () -> random);
    driver = new FakeDriver();
    c = engine.register(new Object(), "lib 1.0", "streamable", URL, driver);
    engine.onRead(c);
    time.runDue();
    assertEquals(ConnectionState.CONNECTED, c.state());
  }

  List<String> transitions() {
    return log.stream()
        .filter(l -> l.contains(" -> "))
        .map(l -> l.substring(l.indexOf(": ") + 2))
        .collect(Collectors.toList());
  }

  void failPing(Throwable t) {
    driver.lastPing().completeExceptionally(t);
    time.runDue();
  }

  void failReconnect(Throwable t) {
    driver.lastReconnect().completeExceptionally(t);
    time.runDue();
  }

  @Test
  void theFirstReadMakesANewConnectionConnectedAndTheTransitionIsLoggedWithoutSecrets() {
    connected();
    assertEquals(
        List.of("NEW -> CONNECTED (session initialized by the application)"), transitions());
    String line = log.stream().filter(l -> l.contains(" -> ")).findFirst().orElseThrow();
    assertTrue(
        line.startsWith("[mcp-keepalive] ")
            && line.contains(" INFO c1 streamable http://mcp.example.com/mcp: "),
        line);
    assertTrue(log.stream().noneMatch(l -> l.contains("SECRET123")), log::toString);
  }

  @Test
  void noPingWhileTheConnectionCarriesTrafficAndOnePingPerIdleInterval() {
    connected();
    for (int i = 0; i < 12; i++) {
      time.advanceSeconds(5);
      engine.onRead(c);
      time.runDue();
    }
    assertEquals(0, driver.pings.size(), "traffic postpones every ping");

    time.advanceSeconds(9.9);
    assertEquals(0, driver.pings.size());
    time.advanceSeconds(0.1);
    assertEquals(1, driver.pings.size(), "a ping after exactly one idle interval");

    // answered pings: one per interval, not more
    for (int i = 0; i < 6; i++) {
      time.advanceSeconds(0.05);
      driver.lastPing().complete("pong");
      time.runDue();
      time.advanceSeconds(10); // idleness counts from the answer
    }
    assertEquals(7, driver.pings.size(), "one ping per idle interval over 60 s of idleness");
    assertEquals(ConnectionState.CONNECTED, c.state());
    assertEquals(6, driver.healthy);
    assertEquals(TimeUnit.MILLISECONDS.toNanos(50), c.lastPingRttNanos());
  }

  /**
   * A Boot 3.5 application stops Reactor Netty's event loops before it closes its MCP clients: the
   * streams and pings that fail then must not start reconnects during the shutdown.
   */
  @Test
  void aFailureThatShowsTheClientsIoWasShutDownEndsKeepaliveInsteadOfReconnecting() {
    connected();
    engine.onConnectionLost(
        c, new IllegalStateException("executor not accepting a task", new RuntimeException()));
    time.runDue();

    assertEquals(ConnectionState.CLOSED, c.state());
    assertEquals(0, driver.reconnects.size());
    assertTrue(
        transitions().get(1).startsWith("CONNECTED -> CLOSED (closed by the application: its HTTP"),
        transitions()::toString);

    connected();
    time.advanceSeconds(10);
    failPing(new java.util.concurrent.RejectedExecutionException("event executor terminated"));
    assertEquals(ConnectionState.CLOSED, c.state());
    assertEquals(0, driver.reconnects.size());
  }

  @Test
  void aFullSchedulerIsNoShutdown() {
    assertFalse(
        FailureClassifier.clientShutDown(
            new java.util.concurrent.RejectedExecutionException(
                "Task capacity of bounded elastic scheduler reached while scheduling 1 tasks")));
    assertTrue(
        FailureClassifier.clientShutDown(
            new java.util.concurrent.RejectedExecutionException("Scheduler unavailable")));
  }

  @Test
  void theIntervalIsSpreadByTheJitter() {
    random = 0.0; // factor 0.9
    connected();
    time.advanceSeconds(8.99);
    assertEquals(0, driver.pings.size());
    time.advanceSeconds(0.02);
    assertEquals(1, driver.pings.size(), "earliest: interval × (1 - jitter)");

    random = 0.999; // factor ~1.1
    connected();
    time.advanceSeconds(10.9);
    assertEquals(0, driver.pings.size());
    time.advanceSeconds(0.2);
    assertEquals(1, driver.pings.size(), "latest: interval × (1 + jitter)");
  }

  @Test
  void pingTimeoutsCountAsFailuresAndTheThresholdDisconnects() {
    connected();
    time.advanceSeconds(10);
    assertEquals(1, driver.pings.size());
    time.advanceSeconds(2);
    assertEquals(ConnectionState.UNHEALTHY, c.state());
    assertTrue(
        driver.lastPing().isCancelled() || driver.pings.get(0).isCancelled(),
        "a timed-out ping is cancelled");
    assertEquals(1, driver.abandoned);
    assertEquals(2, driver.pings.size(), "the next ping goes out at once");
    time.advanceSeconds(2);
    assertEquals(3, driver.pings.size());
    assertEquals(ConnectionState.UNHEALTHY, c.state());
    time.advanceSeconds(2);
    assertEquals(ConnectionState.RECONNECTING, c.state());
    assertEquals(List.of(FailureKind.TIMEOUT), driver.reconnectCauses);
    assertEquals(
        List.of(
            "NEW -> CONNECTED (session initialized by the application)",
            "CONNECTED -> UNHEALTHY (ping failed 1/3: timeout (TimeoutException: no answer to ping within 2 s))",
            "UNHEALTHY -> DISCONNECTED (ping failed 3/3: timeout (TimeoutException: no answer to ping within 2 s); reconnecting now)",
            "DISCONNECTED -> RECONNECTING (attempt 1)"),
        transitions());
    assertEquals(
        1,
        log.stream().filter(l -> l.contains("ping failed 2/3")).count(),
        "the second failure is logged once, not as a transition");

    driver.lastReconnect().complete("ok");
    time.runDue();
    assertEquals(ConnectionState.CONNECTED, c.state());
    assertTrue(
        transitions()
            .get(4)
            .startsWith(
                "RECONNECTING -> CONNECTED (session re-initialized in 0 ms after 1 attempt(s), 0 ms after the failure"),
        transitions().get(4));
  }

  @Test
  void trafficEndsAnUnhealthySpell() {
    connected();
    time.advanceSeconds(12);
    assertEquals(ConnectionState.UNHEALTHY, c.state());
    engine.onRead(c);
    time.runDue();
    assertEquals(ConnectionState.CONNECTED, c.state());
    assertEquals("UNHEALTHY -> CONNECTED (traffic received)", transitions().get(2));
  }

  @Test
  void reconnectAttemptsBackOffExponentiallyUpToTheCapAndResetAfterSuccess() {
    connected();
    engine.onConnectionLost(c, new EOFException("EOF reached while reading"));
    time.runDue();
    assertEquals(
        List.of(FailureKind.PEER_CLOSED),
        driver.reconnectCauses,
        "a peer-closed stream reconnects at once");
    assertTrue(
        transitions()
            .contains(
                "CONNECTED -> DISCONNECTED (stream closed by peer (EOFException: EOF reached while reading); reconnecting now)"),
        transitions()::toString);

    List<Double> delays = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      failReconnect(new ConnectException("Connection refused"));
      double before = time.seconds();
      int n = driver.reconnects.size();
      while (driver.reconnects.size() == n) {
        time.advanceSeconds(0.01);
      }
      delays.add(Math.round((time.seconds() - before) * 100) / 100.0);
    }
    assertEquals(List.of(1.0, 2.0, 4.0, 8.0, 8.0, 8.0), delays);
    assertTrue(
        log.stream()
            .anyMatch(
                l ->
                    l.contains(
                        "attempt 1 failed: unreachable (ConnectException: Connection refused); next attempt in 1 s")),
        log::toString);

    driver.lastReconnect().complete("ok");
    time.runDue();
    assertEquals(ConnectionState.CONNECTED, c.state());

    // a new failure starts the backoff from the beginning
    engine.onConnectionLost(c, null);
    time.runDue();
    int n = driver.reconnects.size();
    failReconnect(new ConnectException("Connection refused"));
    time.advanceSeconds(0.99);
    assertEquals(n, driver.reconnects.size());
    time.advanceSeconds(0.02);
    assertEquals(n + 1, driver.reconnects.size(), "backoff reset after the success");
  }

  @Test
  void rejectedCredentialsWaitForTheCapAndAreReportedOnce() {
    connected();
    engine.onConnectionLost(c, null);
    time.runDue();
    for (int i = 0; i < 4; i++) {
      int n = driver.reconnects.size();
      failReconnect(new RuntimeException("Server returned HTTP status 401 Unauthorized"));
      time.advanceSeconds(7.9);
      assertEquals(n, driver.reconnects.size(), "no attempt before the cap");
      time.advanceSeconds(0.2);
      assertEquals(n + 1, driver.reconnects.size(), "an attempt at the cap");
    }
    List<String> warnings =
        log.stream().filter(l -> l.contains(" WARN ")).collect(Collectors.toList());
    assertEquals(1, warnings.size(), log::toString);
    assertTrue(
        warnings.get(0).contains("rejects the application's credentials")
            && warnings.get(0).contains("every ~8 s"),
        warnings.get(0));
    long infoTransitions =
        log.stream().filter(l -> l.contains(" INFO ") && l.contains(" -> ")).count();
    assertEquals(
        4,
        infoTransitions,
        "after the warning, repeated transitions go to debug: " + transitions());

    driver.lastReconnect().complete("ok");
    time.runDue();
    assertEquals(ConnectionState.CONNECTED, c.state());
    assertTrue(
        log.get(log.size() - 1).contains(" INFO ")
            && log.get(log.size() - 1).contains("RECONNECTING -> CONNECTED"),
        "the recovery is logged at INFO");
  }

  /**
   * An attempt that times out in the middle of a rejection (a loaded host, a slow server) says
   * nothing of the credentials: the next rejection is not reported again.
   */
  @Test
  void aTimeoutAmongRejectionsIsNoReasonToReportThemAgain() {
    connected();
    engine.onConnectionLost(c, null);
    time.runDue();
    failReconnect(new RuntimeException("Server returned HTTP status 401 Unauthorized"));
    time.advanceSeconds(8.1);
    failReconnect(new java.util.concurrent.TimeoutException("no answer")); // backoff: 1 s
    time.advanceSeconds(1.2);
    assertEquals(3, driver.reconnects.size());
    failReconnect(new RuntimeException("Server returned HTTP status 401 Unauthorized"));
    assertEquals(1, log.stream().filter(l -> l.contains(" WARN ")).count(), "one warning: " + log);
    time.advanceSeconds(8.1);
    failReconnect(new ConnectException("refused")); // a different failure: news again
    time.advanceSeconds(2.3);
    assertEquals(5, driver.reconnects.size());
    failReconnect(new RuntimeException("Server returned HTTP status 401 Unauthorized"));
    assertEquals(2, log.stream().filter(l -> l.contains(" WARN ")).count(), log::toString);
  }

  @Test
  void anExpiredSessionIsReestablishedWithoutWaiting() {
    connected();
    time.advanceSeconds(10);
    driver.sessionId = true;
    failPing(new RuntimeException("Server responded with HTTP status code 400"));
    assertEquals(
        ConnectionState.RECONNECTING, c.state(), "400 with a session id: session expired, at once");
    assertEquals(List.of(FailureKind.SESSION_EXPIRED), driver.reconnectCauses);
    failReconnect(new RuntimeException("HTTP 404 Not Found"));
    assertEquals(
        2, driver.reconnects.size(), "a second try right away when the session is still gone");
  }

  /**
   * A 404 during an attempt proves the server is back: the same attempt initializes a new session
   * at once; it is no failed attempt and does not advance the backoff.
   */
  @Test
  void aForgottenSessionDuringAnAttemptIsReinitializedInTheSameAttemptWithoutBackoff() {
    connected();
    engine.onConnectionLost(c, null);
    time.runDue();
    failReconnect(new ConnectException("Connection refused")); // attempt 1: the server is down
    time.advanceSeconds(1.1);
    assertEquals(2, driver.reconnects.size(), "attempt 2 after the first backoff step");

    failReconnect(new RuntimeException("HTTP 404 Not Found")); // the server is back

    assertEquals(3, driver.reconnects.size(), "re-initialized in the same attempt, at once");
    assertEquals(ConnectionState.RECONNECTING, c.state());
    assertEquals(FailureKind.SESSION_EXPIRED, driver.reconnectCauses.get(2));
    assertTrue(
        transitions().stream().noneMatch(t -> t.contains("attempt 2 failed")), log::toString);
    driver.lastReconnect().complete("ok");
    time.runDue();
    assertEquals(ConnectionState.CONNECTED, c.state());
    assertTrue(
        transitions().get(transitions().size() - 1).contains("after 2 attempt(s)"),
        transitions()::toString);
  }

  /** A server that forgets every new session too: the attempt fails, at the base step only. */
  @Test
  void aServerThatAnswersEveryAttemptWithAForgottenSessionKeepsTheBaseStep() {
    connected();
    engine.onConnectionLost(c, null);
    time.runDue();
    for (int attempt = 1; attempt <= 4; attempt++) {
      failReconnect(new RuntimeException("HTTP 404 Not Found"));
      failReconnect(new RuntimeException("HTTP 404 Not Found"));
      assertEquals(ConnectionState.DISCONNECTED, c.state());
      time.advanceSeconds(0.85);
      assertEquals(2 * attempt, driver.reconnects.size(), "no attempt before the base step");
      time.advanceSeconds(0.3);
      assertEquals(2 * attempt + 1, driver.reconnects.size(), "the next one after about 1 s");
    }
  }

  @Test
  void aRequestDuringABackoffStartsTheNextAttemptAtOnceAndGoesOnWhenItSucceeds() {
    connected();
    engine.onConnectionLost(c, null);
    time.runDue();
    failReconnect(new ConnectException("refused")); // backing off 1 s
    assertEquals(ConnectionState.DISCONNECTED, c.state());

    CompletableFuture<Void> request = engine.onDemand(c);
    time.runDue();

    assertEquals(2, driver.reconnects.size(), "the request started attempt 2 without waiting");
    assertFalse(request.isDone());
    driver.lastReconnect().complete("ok");
    time.runDue();
    assertTrue(request.isDone() && !request.isCompletedExceptionally());
  }

  /**
   * A request that arrives during an attempt gets one of its own when that attempt fails: the
   * attempt began before the request, perhaps before the server came back.
   */
  @Test
  void aRequestThatArrivesDuringAFailingAttemptGetsAnAttemptOfItsOwn() {
    connected();
    engine.onConnectionLost(c, null);
    time.runDue();
    assertEquals(ConnectionState.RECONNECTING, c.state());
    CompletableFuture<Void> request = engine.onDemand(c);
    time.runDue();

    failReconnect(new ConnectException("refused"));
    assertEquals(2, driver.reconnects.size(), "attempt 2 at once, for the request");
    assertFalse(request.isDone());
    failReconnect(new ConnectException("refused"));

    assertTrue(request.isCompletedExceptionally(), "its own attempt failed: the request fails");
    time.advanceSeconds(1.5);
    assertEquals(2, driver.reconnects.size(), "then the schedule goes on: 2 s after attempt 2");
  }

  /**
   * An attempt that has had no answer for a second most likely met a dead path: a request of the
   * application gives it up and gets a fresh attempt at once (instead of waiting for the attempt's
   * timeout, longer than many calls'), but only once per episode: requests arriving faster than a
   * slow server answers must not keep any attempt from finishing.
   */
  @Test
  void aRequestGivesUpAnAttemptWithoutAnswerForASecondOnce() {
    connected();
    engine.onConnectionLost(c, null);
    time.runDue();
    failReconnect(new ConnectException("refused")); // backing off 1 s
    CompletableFuture<Void> first = engine.onDemand(c); // starts attempt 2 and waits for it
    time.runDue();
    time.advanceSeconds(0.5);
    CompletableFuture<Void> early = engine.onDemand(c);
    time.runDue();
    assertEquals(2, driver.reconnects.size(), "a young attempt is waited for");

    time.advanceSeconds(0.6);
    CompletableFuture<Void> request = engine.onDemand(c);
    time.runDue();

    assertTrue(driver.reconnects.get(1).isCancelled(), "the old attempt is given up");
    assertFalse(first.isDone(), "the request that started it waits for the fresh one");
    assertEquals(3, driver.reconnects.size(), "a fresh attempt at once");
    assertEquals(ConnectionState.RECONNECTING, c.state());
    time.advanceSeconds(1.5);
    engine.onDemand(c);
    time.runDue();
    assertEquals(3, driver.reconnects.size(), "not again in the same episode");
    driver.lastReconnect().complete("ok");
    time.runDue();
    assertTrue(request.isDone() && !request.isCompletedExceptionally());
    assertTrue(early.isDone() && !early.isCompletedExceptionally(), "the earlier request too");
    assertTrue(first.isDone() && !first.isCompletedExceptionally(), "and the first");
    assertEquals(ConnectionState.CONNECTED, c.state());
  }

  @Test
  void aRefusedRequestBeforeTheFirstSessionFailsAsItWould() {
    engine = new KeepaliveEngine(settings(List.of()), time, time, () -> random);
    driver = new FakeDriver();
    c = engine.register(new Object(), "lib 1.0", "streamable", URL, driver); // NEW
    java.net.ConnectException refused = new java.net.ConnectException("Connection refused");

    CompletableFuture<Void> request = engine.onRequestRefused(c, refused, time.nanoTime());
    time.runDue();

    assertTrue(request.isCompletedExceptionally(), "no session of the agent's to wait for");
    assertEquals(ConnectionState.NEW, c.state());
    assertEquals(0, driver.reconnects.size());
  }

  @Test
  void aRequestToAServerThatRejectsTheCredentialsGoesOutAsItIs() {
    connected();
    time.advanceSeconds(10);
    failPing(new RuntimeException("Server returned HTTP status 401 Unauthorized"));
    assertEquals(ConnectionState.DISCONNECTED, c.state());

    CompletableFuture<Void> request = engine.onDemand(c);
    time.runDue();

    assertTrue(request.isDone() && !request.isCompletedExceptionally());
    assertEquals(0, driver.reconnects.size(), "no attempt per request against a 401");
  }

  @Test
  void theApplicationsOwnTrafficDuringABackoffTriggersAnAttemptAtOnce() {
    connected();
    engine.onConnectionLost(c, null);
    time.runDue();
    failReconnect(new ConnectException("refused"));
    failReconnect(new ConnectException("refused")); // completes the same future again: ignored
    assertEquals(ConnectionState.DISCONNECTED, c.state());
    engine.onRead(c);
    time.runDue();
    assertEquals(2, driver.reconnects.size());
  }

  @Test
  void aStreamEndIsCheckedWithAPingAndLoggedAtInfoOnlyOnce() {
    connected();
    engine.onStreamEnded(c, null);
    time.runDue();
    assertEquals(1, driver.pings.size(), "a ping at once");
    driver.lastPing().complete("pong");
    time.runDue();
    assertEquals(ConnectionState.CONNECTED, c.state());
    assertEquals(1, driver.healthy, "the driver re-opens the stream after the answer");
    engine.onStreamEnded(c, null);
    time.runDue();
    assertEquals(
        1,
        log.stream().filter(l -> l.contains("notification stream ended")).count(),
        "later stream ends at debug");
    failPing(new EOFException("EOF reached while reading"));
    assertEquals(
        ConnectionState.RECONNECTING,
        c.state(),
        "stream ended and the ping failed: reconnect at once");
  }

  @Test
  void closingStopsAllWork() {
    connected();
    time.advanceSeconds(10);
    engine.onClosed(c);
    time.runDue();
    assertEquals(ConnectionState.CLOSED, c.state());
    driver.lastPing().complete("late answer");
    time.advanceSeconds(1000);
    assertEquals(1, driver.pings.size(), "no ping after close");
    assertEquals(0, driver.reconnects.size());
    assertTrue(engine.connections().isEmpty());
    assertEquals(
        "CONNECTED -> CLOSED (closed by the application)",
        transitions().get(transitions().size() - 1));
    engine.onConnectionLost(c, null);
    time.runDue();
    assertEquals(ConnectionState.CLOSED, c.state());
  }

  @Test
  void aCollectedClientIsDroppedAtItsNextCheck() {
    connected();
    driver.alive = false;
    time.advanceSeconds(10);
    assertEquals(ConnectionState.CLOSED, c.state());
    assertEquals(0, driver.pings.size());
    assertTrue(transitions().get(1).endsWith("(client garbage-collected)"));
  }

  @Test
  void aDriverThatThrowsCountsAsAFailedPingAndNothingEscapes() {
    connected();
    driver.throwOnPing = new IllegalStateException("boom");
    time.advanceSeconds(10);
    assertEquals(ConnectionState.UNHEALTHY, c.state());
    assertTrue(
        transitions().get(1).contains("IllegalStateException: boom"), transitions()::toString);
  }

  @Test
  void serverEntriesSetTheIntervalOrLeaveTheConnectionAlone() {
    ServerEntry fast = new ServerEntry("fast", "http://mcp.example.com/mcp", null, secs(5), true);
    ServerEntry off = new ServerEntry("off", "http://other.example.com", null, null, false);
    engine = new KeepaliveEngine(settings(List.of(fast, off)), time, time, () -> random);
    FakeDriver d = new FakeDriver();
    Connection matched = engine.register(new Object(), "lib", "streamable", URL, d);
    assertEquals(secs(5), matched.intervalNanos());
    assertTrue(
        matched.toString().startsWith("c1 (fast) streamable http://mcp.example.com/mcp"),
        matched.toString());
    assertNull(
        engine.register(
            new Object(), "lib", "sse", "http://other.example.com/sse", new FakeDriver()));
    assertTrue(
        log.stream().anyMatch(l -> l.contains("left alone: disabled by configuration entry off")),
        log::toString);
    Object key = new Object();
    Connection first =
        engine.register(key, "lib", "sse", "http://third.example.com/sse", new FakeDriver());
    assertEquals(
        first,
        engine.register(key, "lib", "sse", "http://third.example.com/sse", new FakeDriver()),
        "one connection per client object");
    assertEquals(secs(10), first.intervalNanos());
  }

  @Test
  void aRequestThatFindsTheSessionGoneReconnectsAtOnceAndIsReleasedWhenConnected() {
    connected();
    time.advanceSeconds(1);
    CompletableFuture<Void> waiting =
        engine.onSessionLost(c, new IOException("Unexpected status code: 404"), time.nanoTime());
    time.runDue();
    assertEquals(ConnectionState.RECONNECTING, c.state(), transitions()::toString);
    assertTrue(!waiting.isDone(), "waits for the reconnect");
    driver.lastReconnect().complete(null);
    time.runDue();
    assertEquals(ConnectionState.CONNECTED, c.state());
    assertTrue(
        waiting.isDone() && !waiting.isCompletedExceptionally(),
        "released to send the request again");

    // a request sent before that reconnect, failing after it: its session is already replaced
    long before = time.nanoTime() - secs(0.5);
    time.advanceSeconds(1);
    CompletableFuture<Void> late =
        engine.onSessionLost(c, new IOException("Unexpected status code: 404"), before);
    time.runDue();
    assertTrue(late.isDone() && !late.isCompletedExceptionally(), "sent again at once");
    assertEquals(1, driver.reconnects.size(), "no second reconnect");
    assertEquals(ConnectionState.CONNECTED, c.state());
  }

  @Test
  void aRequestWaitingForAReconnectFailsWithTheFailedAttempt() {
    connected();
    time.advanceSeconds(1);
    CompletableFuture<Void> waiting =
        engine.onSessionLost(c, new IOException("Unexpected status code: 404"), time.nanoTime());
    time.runDue();
    ConnectException refused = new ConnectException("Connection refused");
    failReconnect(refused);
    assertTrue(
        waiting.isCompletedExceptionally(),
        "the request fails with the attempt instead of waiting out the backoff");
    assertEquals(ConnectionState.DISCONNECTED, c.state());
  }

  /** A second connection of the engine, to {@code url}, initialized by the application now. */
  Connection another(String transport, String url, FakeDriver d) {
    Connection x = engine.register(new Object(), "lib 1.0", transport, url, d);
    engine.onRead(x);
    time.runDue();
    return x;
  }

  /** Legacy SSE: the connection of {@link #c}, its ping due at +10 s unanswered by +12 s. */
  void sseUnhealthy() {
    engine = new KeepaliveEngine(settings(List.of()), time, time, () -> random);
    driver = new FakeDriver();
    c = another("sse", "http://mcp.example.com/sse", driver);
    time.advanceSeconds(12);
    assertEquals(ConnectionState.UNHEALTHY, c.state(), transitions()::toString);
    assertEquals(2, driver.pings.size(), "the next ping is under way");
  }

  /**
   * Legacy SSE answers on the stream: a request sent while the stream is silent after a failed ping
   * would wait for its whole timeout on a stream that may be dead (and the next ping's verdict can
   * take as long). The connection is reconnected for it at once, without waiting for the failure
   * threshold, and the request goes out in the new session.
   */
  @Test
  void aRequestOnASilentSseStreamReconnectsAtOnceAndGoesOutInTheNewSession() {
    sseUnhealthy();
    assertTrue(c.holdsRequests());
    time.advanceSeconds(0.5);
    CompletableFuture<Void> request = engine.onDemand(c);
    time.runDue();
    assertEquals(ConnectionState.RECONNECTING, c.state(), transitions()::toString);
    assertEquals(
        "UNHEALTHY -> DISCONNECTED (a request of the application came while the stream has read nothing since a ping failed; reconnecting now)",
        transitions().get(2));
    assertEquals(List.of(FailureKind.TIMEOUT), driver.reconnectCauses);
    assertFalse(request.isDone(), "it waits for the attempt");
    time.advanceSeconds(2);
    assertEquals(2, driver.pings.size(), "the superseded ping counts for nothing");
    assertEquals(ConnectionState.RECONNECTING, c.state());

    driver.lastReconnect().complete("ok");
    time.runDue();
    assertTrue(request.isDone() && !request.isCompletedExceptionally(), "out in the new session");
    assertFalse(c.holdsRequests());
  }

  /** The reconnect made for the request fails (the path is still dead): the request fails once. */
  @Test
  void aRequestOnASilentSseStreamFailsOnceWithTheAttempt() {
    sseUnhealthy();
    CompletableFuture<Void> request = engine.onDemand(c);
    time.runDue();
    failReconnect(new ConnectException("refused"));
    assertTrue(request.isCompletedExceptionally(), "the attempt failed: so does the request");
    assertEquals(ConnectionState.DISCONNECTED, c.state());
    time.advanceSeconds(0.9);
    assertEquals(1, driver.reconnects.size());
    time.advanceSeconds(0.2);
    assertEquals(2, driver.reconnects.size(), "then the schedule goes on: 1 s after attempt 1");
  }

  /** Streamable HTTP answers on the request's own response: nothing to wait for while UNHEALTHY. */
  @Test
  void aRequestOnAnUnhealthyStreamableConnectionGoesOutAtOnce() {
    connected();
    time.advanceSeconds(12);
    assertEquals(ConnectionState.UNHEALTHY, c.state());
    assertFalse(c.holdsRequests());
    CompletableFuture<Void> request = engine.onDemand(c);
    time.runDue();
    assertTrue(request.isDone() && !request.isCompletedExceptionally());
  }

  FakeDriver httpDriver;
  Connection http;
  FakeDriver otherDriver;
  Connection other;

  /**
   * A path blackholed at +10 s: {@link #c} (legacy SSE) and {@link #http} (Streamable HTTP) to one
   * server and {@link #other} (SSE) to another, all initialized at 0, all UNHEALTHY at +12 s with
   * their second ping under way.
   */
  void threeUnhealthy() {
    engine = new KeepaliveEngine(settings(List.of()), time, time, () -> random);
    driver = new FakeDriver();
    c = another("sse", "http://mcp.example.com/sse", driver);
    httpDriver = new FakeDriver();
    http = another("streamable", "http://mcp.example.com/mcp", httpDriver);
    otherDriver = new FakeDriver();
    other = another("sse", "http://other.example.com/sse", otherDriver);
    time.advanceSeconds(12);
    for (Connection x : List.of(c, http, other)) {
      assertEquals(ConnectionState.UNHEALTHY, x.state(), x::toString);
    }
  }

  /**
   * The path returns: the streamable connection answers again, but the SSE stream to the same
   * server was cut without a FIN and stays silent. The SSE connection's ping under way decides and,
   * unanswered, reconnects it without waiting for the failure threshold; the connection to another
   * server keeps its own schedule.
   */
  @Test
  void whenAConnectionAnswersAgainTheUnansweredPingOfASiblingReconnectsIt() {
    threeUnhealthy();
    time.advanceSeconds(0.5);
    httpDriver.lastPing().complete("pong");
    time.runDue();
    assertEquals(ConnectionState.CONNECTED, http.state());
    assertEquals(2, driver.pings.size(), "c's ping under way decides");
    assertTrue(
        log.stream()
            .anyMatch(
                l ->
                    l.contains(
                        c.label()
                            + ": c2 to the same server answers again; the ping under way decides")),
        log::toString);

    time.advanceSeconds(1.5); // c's ping times out: 2 of 3, but the path is known to be back
    assertEquals(ConnectionState.RECONNECTING, c.state(), transitions()::toString);
    assertTrue(
        transitions()
            .contains(
                "UNHEALTHY -> DISCONNECTED (ping failed: timeout (TimeoutException: no answer to ping within 2 s) although another connection to this server answers again; reconnecting now)"),
        transitions()::toString);
    assertEquals(ConnectionState.UNHEALTHY, other.state(), "another server: 2 of 3, unhealthy");
  }

  /** With no ping of the silent sibling under way (its last failed fast), one is sent at once. */
  @Test
  void whenAConnectionAnswersAgainASiblingWithNoPingUnderWayIsPingedAtOnce() {
    threeUnhealthy();
    time.advanceSeconds(0.2);
    failPing(new ConnectException("refused")); // c: 2 of 3, its next check at +14 s
    time.advanceSeconds(0.3);
    int otherPings = otherDriver.pings.size();
    httpDriver.lastPing().complete("pong");
    time.runDue();
    assertEquals(3, driver.pings.size(), "c is pinged at once");
    assertEquals(otherPings, otherDriver.pings.size(), "another server: left alone");
    time.advanceSeconds(2);
    assertEquals(ConnectionState.RECONNECTING, c.state(), transitions()::toString);
    assertEquals(1, driver.reconnects.size());
  }

  /** A reconnect of one connection proves the path as well as traffic does. */
  @Test
  void aReconnectedSiblingAlsoProvesThePath() {
    threeUnhealthy();
    engine.onConnectionLost(http, null);
    time.runDue();
    assertEquals(ConnectionState.RECONNECTING, http.state());
    time.advanceSeconds(0.5);
    httpDriver.lastReconnect().complete("ok");
    time.runDue();
    assertEquals(ConnectionState.CONNECTED, http.state());
    time.advanceSeconds(1.5);
    assertEquals(ConnectionState.RECONNECTING, c.state(), transitions()::toString);
  }
}
