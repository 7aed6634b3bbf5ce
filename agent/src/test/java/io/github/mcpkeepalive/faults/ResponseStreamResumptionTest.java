package io.github.mcpkeepalive.faults;

import static io.github.mcpkeepalive.faults.FaultTests.idOf;
import static io.github.mcpkeepalive.faults.FaultTests.trace;
import static io.github.mcpkeepalive.instrumentation.WovenLoader.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.FailureClassifier;
import io.github.mcpkeepalive.core.FailureKind;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.core.TaskScheduler;
import io.github.mcpkeepalive.core.Ticker;
import io.github.mcpkeepalive.instrumentation.WovenLoader;
import io.github.mcpkeepalive.instrumentation.mcpsdk.v2_1.ResumableResponses;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resumption of a tool call's response stream (MCP 2025-11-25, SEP-1699) at the byte level: the
 * real MCP Java SDK 2.1 Streamable HTTP client (java.net.http), defined by a loader of its own and
 * woven there by the agent's own weaver ({@link WovenLoader}), so that {@link ResumableResponses}
 * reads the stream inside the SDK as it does under the agent; OkHttp's MockWebServer writes the
 * event stream that answers the tool call and the one that answers the GET resuming it. The engine
 * runs on real time with the default settings (its first ping would come after 30 s, long after
 * each test), and the server notes when each request arrives.
 *
 * <p>The agent resumes a stream the server <em>ended</em> (its body complete) before the response,
 * and one <em>broken</em> (the connection cut inside the body) once the SDK read an event of it,
 * after an event with an id, from the last event received; a GET that fails is tried again a
 * bounded number of times. A stream broken before any id stays the SDK's failure, and the tool
 * call, which reached the server, is never sent again.
 */
class ResponseStreamResumptionTest {

  private static final String SESSION = "s-1";

  /** How long a test waits for an outcome, at most; the tool call's timeout unless a test says. */
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\"[^\"]*\"|[0-9]+)");

  /** A notification of the server inside the tool call's stream: neither response nor request. */
  private static final String LOG_MESSAGE =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"working\"}}";

  /**
   * A request as the server read it, and when it arrived ({@link System#nanoTime()}, taken by the
   * dispatcher: MockWebServer 4.12's {@code RecordedRequest} keeps no time).
   */
  private record Arrived(
      String method, String body, String lastEventId, String sessionId, long at) {

    boolean isToolCall() {
      return method.equals("POST") && body.contains("\"method\":\"tools/call\"");
    }

    boolean isResumption() {
      return method.equals("GET") && lastEventId != null;
    }
  }

  private final List<Arrived> arrived = new CopyOnWriteArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final ExecutorService application = Executors.newCachedThreadPool();
  private MockWebServer server;
  private RealTime scheduler;
  private WovenSdkClient sdk;

  /** The tool call's answer, given its JSON-RPC id as written in the request. */
  private volatile Function<String, MockResponse> toolCall;

  /**
   * The answer to a GET with {@code Last-Event-ID}, given the tool call's id: by default the rest.
   */
  private volatile Function<String, MockResponse> resumption =
      id -> eventStream(event("9", result(id, "resumed")));

  private volatile String toolCallId;

  @BeforeEach
  void start() throws Exception {
    Log.setSink(log::add);
    Log.setLevel(Log.Level.INFO);
    scheduler = new RealTime();
    AgentRuntime.setEngine(
        new KeepaliveEngine(Settings.defaults(), Ticker.SYSTEM, scheduler, () -> 0.5));
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
    }
  }

  @Test
  void aStreamTheServerEndsBeforeTheResultIsResumedFromItsLastIdAfterItsRetryDelay()
      throws Exception {
    toolCall =
        id ->
            eventStream(
                "retry: 1500\nid: 7\ndata: \n\n" // the priming event: an id, no data
                    + ": still working\n\n"
                    + event("8", LOG_MESSAGE)); // and then the body ends, without the result
    connect(DEADLINE);

    assertEquals("resumed", succeeds(callTool()), "the result the resumed stream delivered");

    Arrived post = only(Arrived::isToolCall);
    Arrived get = only(Arrived::isResumption);
    assertEquals("8", get.lastEventId(), "resumed from the last id the stream sent");
    assertEquals(SESSION, get.sessionId(), "in the session of the tool call");
    assertAtLeast(1500, post, get);
    assertEquals(List.of(1500L), scheduler.resumptionDelays());
    assertTrue(
        logged("resuming it in 1500 ms (its retry field) with a GET from the last event id"),
        String.join("\n", log));
    assertNoWarning();
  }

  /**
   * The SSE rule: a {@code retry:} value of anything but ASCII digits is ignored (the last valid
   * one stays; with none, the agent waits its default, 1 s). One leading space is part of the
   * syntax, a second one is part of the value.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "retry: abc          | 1000",
        "retry: -1500        | 1000",
        "retry:  1500        | 1000",
        "retry: 800\\nretry: 1.5e3 | 800",
      })
  void aRetryValueThatIsNoNumberIsIgnored(String retryLines, long expectedDelay) throws Exception {
    String retry = retryLines.replace("\\n", "\n");
    toolCall = id -> eventStream(retry + "\nid: 7\ndata: \n\n");
    connect(DEADLINE);

    assertEquals("resumed", succeeds(callTool()));

    assertEquals(List.of(expectedDelay), scheduler.resumptionDelays());
    assertAtLeast(expectedDelay, only(Arrived::isToolCall), only(Arrived::isResumption));
    assertNoWarning();
  }

  /**
   * A delay beyond the agent's bound (60 s: a request waits no longer to be resumed) is cut to it.
   * The test does not wait the minute: it runs the agent's scheduled resumption itself.
   */
  @ParameterizedTest
  @ValueSource(strings = {"60001", "999999999", "99999999999", "123456789012345678901234567890"})
  void aRetryBeyondTheAgentsBoundWaitsTheBound(String retry) throws Exception {
    toolCall = id -> eventStream("retry: " + retry + "\nid: 7\ndata: \n\n");
    connect(DEADLINE);
    CompletableFuture<String> call = callTool();

    waitFor(() -> !scheduler.resumptions.isEmpty());
    assertEquals(List.of(60_000L), scheduler.resumptionDelays());
    assertEquals(0, count(Arrived::isResumption), "nothing resumed before the delay");
    scheduler.resumptions.get(0).task().run(); // the minute has passed, as far as the agent knows

    assertEquals("resumed", succeeds(call));
    assertEquals("7", only(Arrived::isResumption).lastEventId());
    assertNoWarning();
  }

  /**
   * A stream broken inside the result's event (the connection cut half way through the body, as a
   * proxy cuts it: java.net.http reads "chunked transfer encoding, state: READING_DATA" caused by
   * an EOFException), after an event with an id, is resumed as one the server ended: after its
   * retry delay, with a GET from the last event received whole (8; the cut event 9 had only its id
   * line and part of its data), on which the server sends event 9 again. The SDK, having read
   * events of the stream, ignores its error and waits; the call gets the result long before its
   * timeout, and the tool call is sent once.
   */
  @Test
  void aStreamBrokenAfterAnIdIsResumedFromTheLastEventReceivedAfterItsRetryDelay()
      throws Exception {
    toolCall =
        id ->
            eventStream(
                    "retry: 1000\nid: 7\ndata: \n\n"
                        + event("8", LOG_MESSAGE)
                        + event("9", result(id, "x".repeat(400))))
                .setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY);
    connect(DEADLINE);

    long start = System.nanoTime();
    assertEquals("resumed", succeeds(callTool()), "the result the resumed stream delivered");
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    Arrived post = only(Arrived::isToolCall);
    Arrived get = only(Arrived::isResumption);
    assertEquals("8", get.lastEventId(), "from the last event received whole");
    assertEquals(SESSION, get.sessionId(), "in the session of the tool call");
    assertAtLeast(1000, post, get);
    assertEquals(List.of(1000L), scheduler.resumptionDelays());
    assertTrue(
        tookMillis < DEADLINE.toMillis() / 2,
        "the call took " + tookMillis + " ms of its " + DEADLINE.toMillis() + " ms timeout");
    assertTrue(
        logged("response stream broke before the response (")
            && logged("resuming it in 1000 ms (its retry field) with a GET from the last event id"),
        String.join("\n", log));
    assertNoWarning();
  }

  /**
   * A resumption whose GET fails (an error status, or the connection closed before an answer) is
   * tried again after a backoff (the larger of the stream's delay and backoff_initial, 1 s, then
   * doubled), four GETs in all, each from the same id in the same session; then the agent gives up
   * with one line and the call fails at its timeout, as without the agent. The tool call is never
   * sent again. The scheduler runs the waits twenty times faster than asked (the delays asked are
   * what is checked), so the four GETs fit in the call's 2 s timeout.
   */
  @ParameterizedTest
  @ValueSource(strings = {"503", "cut"})
  void aResumptionWhoseGetFailsIsTriedAFewTimesThenTheCallFailsAtItsTimeout(String failure)
      throws Exception {
    resumption =
        id ->
            failure.equals("503")
                ? new MockResponse().setResponseCode(503).setBody("proxy: no upstream")
                : new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST);
    toolCall =
        id ->
            eventStream("retry: 100\nid: 7\ndata: \n\n" + event(null, LOG_MESSAGE))
                .setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY);
    scheduler.speedUp = 20;
    Duration timeout = Duration.ofSeconds(2);
    connect(timeout);

    long start = System.nanoTime();
    Throwable failed = fails(callTool());
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertEquals(FailureKind.TIMEOUT, FailureClassifier.classify(failed, true), trace(failed));
    assertTrue(tookMillis >= timeout.toMillis() - 50, "failed after " + tookMillis + " ms");
    assertEquals(List.of(100L, 1000L, 2000L, 4000L), scheduler.resumptionDelays());
    waitFor(() -> logged("the request fails at its timeout"));
    List<Arrived> gets = arrived.stream().filter(Arrived::isResumption).toList();
    // java.net.http sends a GET cut before its answer once more by itself (an idempotent request)
    int most = failure.equals("503") ? 4 : 8;
    assertTrue(gets.size() >= 4 && gets.size() <= most, "four GETs of the agent's: " + gets);
    assertTrue(gets.stream().allMatch(g -> g.lastEventId().equals("7")), gets.toString());
    assertTrue(gets.stream().allMatch(g -> SESSION.equals(g.sessionId())), gets.toString());
    assertEquals(1, count(Arrived::isToolCall), "the tool call went out once");
    assertEquals(
        1,
        log.stream().filter(l -> l.contains("resuming a request's response stream failed")).count(),
        String.join("\n", log));
    assertTrue(logged("failed after 4 GETs"), String.join("\n", log));
    assertNoWarning();
  }

  /**
   * A stream the server ends with no id ever sent cannot be resumed: the agent does nothing and the
   * SDK's own behaviour stays (the call waits for the response until its timeout, then fails with
   * the SDK's timeout error); the tool call is not sent again.
   */
  @Test
  void aStreamEndedWithoutAnyIdIsNotResumedAndTheCallFailsAtItsTimeout() throws Exception {
    toolCall = id -> eventStream("retry: 100\n\n: no id here\n\n" + event(null, LOG_MESSAGE));
    connect(Duration.ofMillis(1500));

    Throwable failure = fails(callTool());

    assertEquals(FailureKind.TIMEOUT, FailureClassifier.classify(failure, true), trace(failure));
    assertEquals(List.of(), scheduler.resumptions);
    assertEquals(0, count(Arrived::isResumption));
    assertEquals(1, count(Arrived::isToolCall), "the tool call went out once");
    assertFalse(logged("resuming"), String.join("\n", log));
    assertNoWarning();
  }

  /**
   * A stream broken inside its first event, before any id: the SDK fails the call at once with the
   * broken stream's error, which the agent does not take for a request that never reached the
   * server: it is not sent again.
   */
  @Test
  void aStreamBrokenInsideItsFirstEventFailsTheCallAtOnceAndIsNotSentAgain() throws Exception {
    toolCall =
        id ->
            eventStream(event(null, result(id, "x".repeat(400))))
                .setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY);
    connect(DEADLINE);

    Throwable failure = fails(callTool());

    assertEquals(
        FailureKind.PEER_CLOSED, FailureClassifier.classify(failure, true), trace(failure));
    assertFalse(FailureClassifier.neverSent(failure), "it reached the server");
    assertEquals(List.of(), scheduler.resumptions);
    assertEquals(1, count(Arrived::isToolCall), "the tool call went out once");
    assertNoWarning();
  }

  // ---- the woven client, driven as an application drives it (through reflection: its classes are
  // the woven loader's)

  /** A sync client of the server, woven and managed by the agent, initialized. */
  private void connect(Duration requestTimeout) throws Exception {
    sdk.connect(server.url("/").toString(), requestTimeout, DEADLINE);
  }

  /** The application calls the tool {@code echo} on a thread of its own; the result's text. */
  private CompletableFuture<String> callTool() {
    return sdk.callTool(application);
  }

  private static String succeeds(CompletableFuture<String> call) throws Exception {
    return WovenSdkClient.succeeds(call, DEADLINE);
  }

  private static Throwable fails(CompletableFuture<String> call) throws Exception {
    return WovenSdkClient.fails(call, DEADLINE);
  }

  // ---- the server

  private MockResponse answer(RecordedRequest request) {
    String body = request.getBody().readUtf8();
    arrived.add(
        new Arrived(
            request.getMethod(),
            body,
            request.getHeader("Last-Event-ID"),
            request.getHeader("Mcp-Session-Id"),
            System.nanoTime()));
    if (request.getMethod().equals("GET")) {
      return request.getHeader("Last-Event-ID") != null
          ? resumption.apply(toolCallId) // the rest of the stream
          // the session's notification stream: open, quiet (no answer yet)
          : new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE);
    }
    if (body.contains("\"method\":\"initialize\"")) {
      return new MockResponse()
          .setHeader("Content-Type", "application/json")
          .setHeader("Mcp-Session-Id", SESSION)
          .setBody(
              "{\"jsonrpc\":\"2.0\",\"id\":"
                  + idOf(body)
                  + ",\"result\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},"
                  + "\"serverInfo\":{\"name\":\"resumption\",\"version\":\"1\"}}}");
    }
    if (!body.contains("\"id\"")) {
      return new MockResponse().setResponseCode(202); // a notification, or the session's DELETE
    }
    if (body.contains("\"method\":\"tools/call\"")) {
      toolCallId = idOf(body);
      return toolCall.apply(toolCallId);
    }
    return new MockResponse()
        .setHeader("Content-Type", "application/json")
        .setBody("{\"jsonrpc\":\"2.0\",\"id\":" + idOf(body) + ",\"result\":{}}");
  }

  /** An event stream of {@code events}, in small chunks; the body ends after the last. */
  private static MockResponse eventStream(String events) {
    return new MockResponse()
        .setHeader("Content-Type", "text/event-stream")
        .setChunkedBody(events, 32);
  }

  /** A {@code message} event with {@code id} (none when null) and {@code json} as its data. */
  private static String event(String id, String json) {
    return (id == null ? "" : "id: " + id + "\n") + "event: message\ndata: " + json + "\n\n";
  }

  private static String result(String id, String text) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\""
        + text
        + "\"}],\"isError\":false}}";
  }

  // ---- assertions

  private Arrived only(Predicate<Arrived> which) {
    List<Arrived> found = arrived.stream().filter(which).collect(Collectors.toList());
    assertEquals(1, found.size(), "requests: " + arrived);
    return found.get(0);
  }

  private long count(Predicate<Arrived> which) {
    return arrived.stream().filter(which).count();
  }

  /**
   * {@code later} arrived at least {@code millis} after {@code earlier}. The tool call's stream
   * ends after its POST arrived, so this is a lower bound of the wait after the end; there is no
   * upper bound (a loaded machine may be late), beyond the call succeeding within its timeout.
   */
  private static void assertAtLeast(long millis, Arrived earlier, Arrived later) {
    long waited = TimeUnit.NANOSECONDS.toMillis(later.at() - earlier.at());
    assertTrue(waited >= millis, "resumed " + waited + " ms after the tool call, before " + millis);
  }

  private boolean logged(String text) {
    return log.stream().anyMatch(l -> l.contains(text));
  }

  private void assertNoWarning() {
    assertTrue(log.stream().noneMatch(l -> l.contains(" WARN ")), String.join("\n", log));
  }

  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
    FaultTests.waitFor(condition, DEADLINE, "the condition");
  }

  /**
   * The engine's scheduler on real time (one daemon thread, as the agent's), which keeps each
   * resumption {@link ResumableResponses} schedules and the delay it asked for, and runs it when
   * due, or {@link #speedUp} times sooner.
   */
  private static final class RealTime implements TaskScheduler {

    record Resumption(Runnable task, long delayMillis) {}

    final ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "test-scheduler");
              t.setDaemon(true);
              return t;
            });
    final List<Resumption> resumptions = new CopyOnWriteArrayList<>();

    /** How many times faster than asked a resumption runs (the delay asked is kept as asked). */
    volatile long speedUp = 1;

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
      if (task.getClass().getName().startsWith(ResumableResponses.class.getName() + "$$Lambda")) {
        resumptions.add(new Resumption(task, TimeUnit.NANOSECONDS.toMillis(delayNanos)));
        delayNanos /= speedUp;
      }
      ScheduledFuture<?> f =
          executor.schedule(guarded(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
      executor.execute(guarded(task));
    }

    List<Long> resumptionDelays() {
      return resumptions.stream().map(Resumption::delayMillis).collect(Collectors.toList());
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
