package io.github.mcpkeepalive.faults;

import static io.github.mcpkeepalive.faults.FaultTests.idOf;
import static io.github.mcpkeepalive.faults.FaultTests.rpcOf;
import static io.github.mcpkeepalive.faults.FaultTests.trace;
import static io.github.mcpkeepalive.instrumentation.WovenLoader.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.Backoff;
import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.FailureClassifier;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.core.TaskScheduler;
import io.github.mcpkeepalive.core.Ticker;
import io.github.mcpkeepalive.instrumentation.WovenLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resend rule for HTTP 503 at the byte level: a tool call answered 503 ("Service Unavailable",
 * with {@code Retry-After}, as a proxy answers while the server behind it restarts) was not
 * processed, so the agent reconnects at once and sends it once more in the restored session; a 500
 * is never sent again. The real MCP Java SDK 2.1 Streamable HTTP client (java.net.http), defined by
 * a loader of its own and woven there by the agent's weaver ({@link WovenLoader}), so that the
 * agent's hooks run inside the SDK as under the agent; a real engine on real time, with a short
 * backoff (0.1 s doubling, no jitter) so that a burst fits in a second or two; OkHttp's
 * MockWebServer plays the server and the proxy before it, and notes when each request arrives.
 *
 * <p>The server "restarts" when it answers the tool call 503: it forgets its session (a request
 * that carries the old id is answered 404, as by a restarted server) and, for a burst, the proxy
 * answers the next few POSTs 503 too before the server is back. Every 503 carries a fake secret in
 * its body and in a header, which no log line of the agent may show.
 */
class ServiceUnavailableBurstTest {

  /** The call's timeout and the SDK's initialization timeout; how long a test waits, at most. */
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  /** The backoff: 0.1 s before the second attempt, doubled after each failed attempt. */
  private static final long BACKOFF_INITIAL_MILLIS = 100;

  private static final String SECRET = "s3cr3t-7Qz9";
  private static final String SECRET_BODY = "upstream restarting, ref " + SECRET;

  /** The delay the engine's line names after a failed attempt. */
  private static final Pattern NEXT_ATTEMPT =
      Pattern.compile("attempt [0-9]+ failed: .*; next attempt in ([0-9.]+) s\\)");

  /**
   * A request as the server read it: HTTP method, JSON-RPC method ({@code ""} for none), the
   * session id it carried, the status it was answered with (0: left open), and when it arrived
   * ({@link System#nanoTime()}, taken by the dispatcher).
   */
  private record Arrived(String http, String rpc, String session, int status, long at) {

    boolean is(String method) {
      return http.equals("POST") && rpc.equals(method);
    }
  }

  /** How the server answers the n-th tool call (1-based). */
  private interface ToolCallAnswer {
    MockResponse answer(int n, String id);
  }

  private final List<Arrived> arrived = new CopyOnWriteArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final ExecutorService application = Executors.newCachedThreadPool();
  private MockWebServer server;
  private RealTime scheduler;
  private WovenSdkClient sdk;

  // the server's state, guarded by this
  private int sessions;
  private String session;
  private int toolCalls;

  /** Whether the server is down (restarting): the proxy before it answers 503. */
  private boolean down;

  /** POSTs the proxy still answers 503 before the restarted server is back. */
  private int unavailableFor;

  private ToolCallAnswer toolCall;

  @BeforeEach
  void start() throws Exception {
    Log.setSink(log::add);
    Log.setLevel(Log.Level.DEBUG); // every line the agent writes must be free of the secret
    scheduler = new RealTime();
    Settings settings =
        new Settings(
            true,
            TimeUnit.SECONDS.toNanos(60), // interval: no ping of the schedule during a test
            TimeUnit.SECONDS.toNanos(2), // ping_timeout
            3, // failure_threshold
            TimeUnit.MILLISECONDS.toNanos(BACKOFF_INITIAL_MILLIS),
            TimeUnit.SECONDS.toNanos(2), // backoff_max
            0.0, // jitter: the delays are exactly those asserted
            Backoff.Jitter.PROPORTIONAL,
            Log.Level.DEBUG,
            List.of());
    AgentRuntime.setEngine(new KeepaliveEngine(settings, Ticker.SYSTEM, scheduler, () -> 0.5));
    server = new MockWebServer();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return answer(request);
          }
        });
    server.start();
    // the SDK of the test class path (mcp-core, and mcp-json-jackson3 that it finds with a
    // ServiceLoader), defined again by a loader of its own and woven as the agent weaves it
    sdk = new WovenSdkClient(getClass().getClassLoader());
  }

  @AfterEach
  void stop() throws Exception {
    try {
      sdk.close();
    } finally {
      application.shutdownNow();
      AgentRuntime.setEngine(null);
      scheduler.executor.shutdownNow();
      server.shutdown();
      Log.setSink(null);
      Log.setLevel(Log.Level.INFO);
    }
  }

  /**
   * A tool call answered 503 while the server restarts, and the server back by the reconnect that
   * the 503 starts at once: the agent's attempt finds the old session gone (404), the SDK
   * initializes a new one, and the tool call goes out once more, in it; the application gets the
   * result. The tool call reached the server twice: answered 503 (not processed), then answered.
   */
  @Test
  void aToolCallAnswered503IsSentOnceMoreInTheNewSessionAndTheCallGetsTheResult() throws Exception {
    toolCall = (n, id) -> n == 1 ? restart(0) : result(id, "done");
    connect();

    assertEquals("done", succeeds(callTool()));

    List<Arrived> calls = all(a -> a.is("tools/call"));
    assertEquals(2, calls.size(), "sent once more, never a third time: " + arrived);
    assertEquals(List.of(503, 200), statuses(calls));
    assertEquals(List.of("s-1", "s-2"), sessionsOf(calls), "the second in the new session");
    Arrived refused = calls.get(0);
    List<Arrived> pings = all(a -> a.is("ping") && a.at() > refused.at());
    assertEquals(List.of(404, 200), statuses(pings), "the agent's ping: " + arrived);
    assertEquals(List.of("s-1", "s-2"), sessionsOf(pings), "the old session, then the new");
    List<Arrived> reinit = all(a -> a.is("initialize") && a.at() > refused.at());
    assertEquals(List.of(200), statuses(reinit), "one initialization, the agent's: " + arrived);
    assertTrue(reinit.get(0).at() < calls.get(1).at(), "resent once the session was back");
    assertTrue(
        logged("CONNECTED -> DISCONNECTED (the server answered a request of the application 503")
            && logged("RECONNECTING -> CONNECTED (session re-initialized"),
        lines());
    assertNoSecretAndNoWarning();
  }

  /**
   * A burst: the 503 of the tool call, then the agent's reconnect answered 503 as well, its ping in
   * the old session and the initializations of the next attempts, three of them, before the server
   * is back. The request waits for the one attempt its 503 started at once, not for the attempts
   * after it (README, the resend rule: "or fails once, saying why, if that reconnect fails"): the
   * call fails with the agent's error naming the 503, and the tool call is not sent again (it
   * reached the server once). The connection goes on with its backoff (0.1, 0.2, 0.4, 0.8 s between
   * attempts), each attempt initializing a new session, until the server is back; the application's
   * next call gets its result in that session.
   *
   * <p>This is the behaviour the code documents; the call fails about 0.1 s after the 503 although
   * the server is back about 1.7 s later, well within the call's 10 s timeout and soon after the 1
   * s the 503's Retry-After asked for.
   */
  @Test
  void aBurstOf503sLongerThanTheReconnectFailsTheCallOnceAndTheConnectionComesBackWithBackoff()
      throws Exception {
    toolCall = (n, id) -> n == 1 ? restart(4) : result(id, "done after the burst");
    connect();

    Throwable failure = fails(callTool());

    Throwable held =
        link(
            failure,
            t ->
                t.getMessage() != null
                    && t.getMessage()
                        .startsWith(
                            "the connection to the MCP server is down and the reconnect attempt"
                                + " made for this request failed: "));
    assertNotNull(held, "the agent's error: " + trace(failure));
    assertTrue(held.getMessage().contains("503"), held.getMessage());
    assertFalse(held.getMessage().contains(SECRET), held.getMessage());
    assertEquals(1, all(a -> a.is("tools/call")).size(), "not sent again: " + arrived);

    Connection c = AgentRuntime.engine().find(sdk.client());
    waitFor(() -> c.state() == ConnectionState.CONNECTED, "the connection restored");
    Arrived refused = all(a -> a.is("tools/call")).get(0);
    // attempt 1 is a ping in the old session (kept: a 503 does not say the session is gone); the
    // attempts after it initialize a new session first, the last one followed by its ping
    List<Arrived> pings = all(a -> a.is("ping") && a.at() > refused.at());
    assertEquals(List.of(503, 200), statuses(pings), arrived.toString());
    assertEquals(List.of("s-1", "s-2"), sessionsOf(pings));
    List<Arrived> reinit = all(a -> a.is("initialize") && a.at() > refused.at());
    assertEquals(List.of(503, 503, 503, 200), statuses(reinit), arrived.toString());
    // the initializations are those of attempts 2 to 5, which started 0.2, 0.4 and 0.8 s after
    // the one before failed: at least that far apart, at most a few seconds more on a loaded
    // machine
    long delay = 2 * BACKOFF_INITIAL_MILLIS;
    for (int i = 1; i < reinit.size(); i++, delay *= 2) {
      long gap = TimeUnit.NANOSECONDS.toMillis(reinit.get(i).at() - reinit.get(i - 1).at());
      assertTrue(
          gap >= delay && gap < delay + 3000,
          "initialization " + (i + 1) + " came " + gap + " ms after the one before, not " + delay);
    }
    List<String> backoff = new ArrayList<>();
    for (String line : log) {
      Matcher m = NEXT_ATTEMPT.matcher(line);
      if (m.find()) {
        backoff.add(m.group(1));
      }
    }
    assertEquals(List.of("0.1", "0.2", "0.4", "0.8"), backoff, lines());

    assertEquals("done after the burst", succeeds(callTool()), "the next call");
    List<Arrived> calls = all(a -> a.is("tools/call"));
    assertEquals(List.of(503, 200), statuses(calls));
    assertEquals(List.of("s-1", "s-2"), sessionsOf(calls));
    assertNoSecretAndNoWarning();
  }

  /**
   * The tool call answered 503, the reconnect succeeds, and the tool call sent once more in the new
   * session is answered 503 again: it is not sent a third time. The call fails with that 503, the
   * SDK's error (the application meets the 503 once), and the agent's line says why it reconnected
   * and sent the call again, without the body or any header value of the answer.
   */
  @Test
  void aToolCallAnswered503AgainInTheNewSessionFailsWithThat503AndIsNotSentAThirdTime()
      throws Exception {
    toolCall = (n, id) -> n == 1 ? restart(0) : unavailable();
    connect();

    Throwable failure = fails(callTool());

    assertTrue(FailureClassifier.unavailable(failure), trace(failure));
    assertNull(
        link(
            failure, t -> t.getMessage() != null && t.getMessage().startsWith("the connection to")),
        "the SDK's 503, not a failed reconnect: " + trace(failure));
    List<Arrived> calls = all(a -> a.is("tools/call"));
    assertEquals(2, calls.size(), "sent once more only: " + arrived);
    assertEquals(List.of(503, 503), statuses(calls));
    assertEquals(List.of("s-1", "s-2"), sessionsOf(calls));
    assertEquals(2, all(a -> a.is("initialize")).size(), "one reconnect: " + arrived);
    assertTrue(
        logged(
            "CONNECTED -> DISCONNECTED (the server answered a request of the application 503"
                + " (unavailable, not processed) (McpTransportException: Received unexpected"
                + " status code: 503, response body: <omitted>); reconnecting now)"),
        lines());
    assertTrue(log.stream().noneMatch(l -> l.contains("upstream restarting")), lines());
    assertNoSecretAndNoWarning();
  }

  /**
   * A 500 may come from a server that processed the request: the call fails at once with it, the
   * tool call is not sent again, and the connection stays as it was: no reconnect.
   */
  @Test
  void aToolCallAnswered500FailsAtOnceWithoutAReconnect() throws Exception {
    toolCall = (n, id) -> new MockResponse().setResponseCode(500).setBody(SECRET_BODY);
    connect();

    long start = System.nanoTime();
    Throwable failure = fails(callTool());
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertEquals(1, all(a -> a.is("tools/call")).size(), "sent once: " + arrived);
    assertEquals(1, all(a -> a.is("initialize")).size(), "no reconnect: " + arrived);
    assertEquals(0, all(a -> a.is("ping")).size(), arrived.toString());
    Connection c = AgentRuntime.engine().find(sdk.client());
    assertEquals(ConnectionState.CONNECTED, c.state());
    assertEquals(0, c.reconnectsAttempted());
    assertFalse(logged("DISCONNECTED"), lines());
    assertTrue(tookMillis < DEADLINE.toMillis() / 2, "failed after " + tookMillis + " ms");
    assertNotNull(
        link(failure, t -> FailureClassifier.httpStatus(t.getMessage()) == 500), trace(failure));
    assertFalse(FailureClassifier.notProcessed(failure), trace(failure));
    assertNoSecretAndNoWarning();
  }

  // ---- the server, and the proxy before it

  private MockResponse answer(RecordedRequest request) {
    long at = System.nanoTime();
    String body = request.getBody().readUtf8();
    String http = request.getMethod();
    String rpc = http.equals("POST") ? rpcOf(body) : "";
    String sent = request.getHeader("Mcp-Session-Id");
    MockResponse response = respond(http, rpc, body, sent);
    int status =
        response.getSocketPolicy() == SocketPolicy.NO_RESPONSE
            ? 0
            : Integer.parseInt(response.getStatus().split(" ")[1]);
    arrived.add(new Arrived(http, rpc, sent, status, at));
    return response;
  }

  private synchronized MockResponse respond(String http, String rpc, String body, String sent) {
    if (http.equals("DELETE")) {
      return new MockResponse().setResponseCode(200); // the SDK ends a session it replaces
    }
    if (down) {
      down = !http.equals("POST") || --unavailableFor > 0;
      return unavailable(); // the proxy, while the server restarts
    }
    if (rpc.equals("initialize")) {
      session = "s-" + ++sessions;
      return json(
              idOf(body),
              "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},"
                  + "\"serverInfo\":{\"name\":\"burst\",\"version\":\"1\"}}")
          .setHeader("Mcp-Session-Id", session);
    }
    if (sent == null || !sent.equals(session)) {
      return new MockResponse().setResponseCode(404); // a session this server does not know
    }
    if (http.equals("GET")) {
      return new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE); // quiet stream
    }
    if (!body.contains("\"id\"")) {
      return new MockResponse().setResponseCode(202); // a notification
    }
    if (rpc.equals("tools/call")) {
      return toolCall.answer(++toolCalls, idOf(body));
    }
    return json(idOf(body), "{}");
  }

  /**
   * The server goes down to restart, forgetting its session; the proxy answers 503 to this request
   * and to the next {@code morePosts} POSTs, then the server is back.
   */
  private MockResponse restart(int morePosts) {
    session = null;
    unavailableFor = morePosts;
    down = morePosts > 0;
    return unavailable();
  }

  /** A proxy's 503, with Retry-After and a secret in its body and in a header. */
  private static MockResponse unavailable() {
    return new MockResponse()
        .setResponseCode(503)
        .setHeader("Retry-After", "1")
        .setHeader("X-Upstream-Token", SECRET)
        .setBody(SECRET_BODY);
  }

  private static MockResponse result(String id, String text) {
    return json(
        id, "{\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}],\"isError\":false}");
  }

  private static MockResponse json(String id, String result) {
    return new MockResponse()
        .setHeader("Content-Type", "application/json")
        .setBody("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}");
  }

  // ---- the woven client, driven as an application drives it (through reflection: its classes are
  // the woven loader's)

  /** A sync client of the server, woven and managed by the agent, initialized. */
  private void connect() throws Exception {
    sdk.connect(server.url("/").toString(), DEADLINE, DEADLINE);
  }

  /** The application calls the tool {@code echo} on a thread of its own; the result's text. */
  private CompletableFuture<String> callTool() {
    return sdk.callTool(application);
  }

  private static String succeeds(CompletableFuture<String> call) throws Exception {
    return WovenSdkClient.succeeds(call, DEADLINE.plusSeconds(2));
  }

  private static Throwable fails(CompletableFuture<String> call) throws Exception {
    return WovenSdkClient.fails(call, DEADLINE.plusSeconds(2));
  }

  // ---- assertions

  private List<Arrived> all(Predicate<Arrived> which) {
    return arrived.stream().filter(which).toList();
  }

  private static List<Integer> statuses(List<Arrived> requests) {
    return requests.stream().map(Arrived::status).toList();
  }

  private static List<String> sessionsOf(List<Arrived> requests) {
    return requests.stream().map(Arrived::session).toList();
  }

  /** The first link of {@code failure}'s cause chain that {@code which} accepts, or null. */
  private static Throwable link(Throwable failure, Predicate<Throwable> which) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (which.test(t)) {
        return t;
      }
    }
    return null;
  }

  private boolean logged(String text) {
    return log.stream().anyMatch(l -> l.contains(text));
  }

  private String lines() {
    return String.join("\n", log);
  }

  /** No line, at any level, shows the 503's body or header value; none is a warning. */
  private void assertNoSecretAndNoWarning() {
    assertTrue(log.stream().noneMatch(l -> l.contains(SECRET)), lines());
    assertTrue(log.stream().noneMatch(l -> l.contains(" WARN ")), lines());
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    FaultTests.waitFor(condition, DEADLINE, what);
  }

  /** The engine's scheduler on real time: one daemon thread, as the agent's, shut down after. */
  private static final class RealTime implements TaskScheduler {

    final ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "test-scheduler");
              t.setDaemon(true);
              return t;
            });

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
      ScheduledFuture<?> f =
          executor.schedule(guarded(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
      executor.execute(guarded(task));
    }

    private static Runnable guarded(Runnable task) {
      return () -> {
        try {
          task.run();
        } catch (Throwable t) {
          Log.warn("scheduled task failed: " + t);
        }
      };
    }
  }
}
