package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.Log;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpTransportException;
import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

/**
 * retryOnExpiredSession: a request of a managed client that meets a session the server no longer
 * knows is sent once more (the SDK re-initializes in between); nothing else is retried.
 */
class SdkHooksRetryTest extends SdkTestBase {

  /** How many times the request was sent: each subscription is one. */
  private final AtomicInteger sent = new AtomicInteger();

  /** A request whose answers, one per sending, are {@code answers} in order. */
  private Mono<String> request(Object... answers) {
    return Mono.defer(
        () -> {
          Object answer = answers[Math.min(sent.getAndIncrement(), answers.length - 1)];
          return answer instanceof RuntimeException
              ? Mono.error((RuntimeException) answer)
              : Mono.just((String) answer);
        });
  }

  private static McpTransportSessionNotFoundException sessionGone() {
    return new McpTransportSessionNotFoundException("Session not found: s-1");
  }

  private Mono<?> wrappedForManagedClient(Mono<String> request) throws Exception {
    McpAsyncClient client = streamableClient();
    discovered(client);
    Object wrapped = SdkHooks.retryOnExpiredSession(initializerOf(client), request);
    return assertInstanceOf(Mono.class, wrapped);
  }

  @Test
  void aRequestThatMeetsAnExpiredSessionIsSentOnceMoreAndYieldsTheSecondAnswer() throws Exception {
    Mono<?> wrapped = wrappedForManagedClient(request(sessionGone(), "second answer"));

    assertEquals("second answer", wrapped.block(DEADLINE));
    assertEquals(2, sent.get());
  }

  @Test
  void aRequestThatMeetsAnExpiredSessionTwiceFailsAfterOneRetry() throws Exception {
    Mono<?> wrapped =
        wrappedForManagedClient(request(sessionGone(), sessionGone(), "third answer"));

    RuntimeException failure = assertThrows(RuntimeException.class, () -> wrapped.block(DEADLINE));
    assertInstanceOf(
        McpTransportSessionNotFoundException.class, failure.getCause(), failure::toString);
    assertEquals(2, sent.get());
  }

  /**
   * The resend rule: a request that may have been processed (cut after it was sent, cut in the
   * middle of its response, timed out) is never sent twice; it fails with the library's error.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "java.io.EOFException: EOF reached while reading",
        "java.io.IOException: chunked transfer encoding, state: READING_LENGTH",
        "java.io.IOException: Connection prematurely closed DURING response",
        "java.util.concurrent.TimeoutException: Did not observe any item or terminal signal within 3000ms"
      })
  void aRequestThatMayHaveBeenProcessedIsNeverSentTwice(String failure) throws Exception {
    String type = failure.substring(0, failure.indexOf(':'));
    Exception cause =
        (Exception)
            Class.forName(type)
                .getConstructor(String.class)
                .newInstance(failure.substring(failure.indexOf(':') + 2));
    Mono<?> wrapped =
        wrappedForManagedClient(request(new RuntimeException(cause), "second answer"));

    RuntimeException e = assertThrows(RuntimeException.class, () -> wrapped.block(DEADLINE));
    assertSame(cause, e.getCause());
    assertEquals(1, sent.get(), "sent once only");
  }

  @Test
  void aRequestThatFailsOtherwiseIsNotRetried() throws Exception {
    Mono<?> wrapped =
        wrappedForManagedClient(request(new IllegalStateException("tool failed"), "second answer"));

    IllegalStateException failure =
        assertThrows(IllegalStateException.class, () -> wrapped.block(DEADLINE));
    assertEquals("tool failed", failure.getMessage());
    assertEquals(1, sent.get());
  }

  private static void assertFailsSayingTheAttemptFailed(CompletableFuture<?> call) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> call.get(DEADLINE.toSeconds(), SECONDS));
    assertTrue(
        e.getCause()
            .getMessage()
            .startsWith(
                "the connection to the MCP server is down and the reconnect attempt made for this request failed: "),
        e.getCause()::toString);
  }

  /** A connection the server was lost for, waiting in backoff (its first attempt failed). */
  private Connection waitingInBackoff(McpAsyncClient client) throws Exception {
    Connection c = connected(client);
    engine.onConnectionLost(c, new java.io.EOFException("EOF reached while reading"));
    scheduler.runDue(); // DISCONNECTED, attempt 1 due now
    scheduler.runDue(); // attempt 1: a ping to a server that is not there
    scheduler.runDueWhenHandedOver(DEADLINE);
    assertEquals(ConnectionState.DISCONNECTED, c.state(), "attempt 1 failed, backing off");
    return c;
  }

  /**
   * On-demand recovery: a request made while the connection waits in backoff starts an attempt at
   * once instead of failing on the dead connection, waits for it, and fails once, saying why, when
   * the attempt fails too; it is not sent to the connection known to be down.
   */
  @Test
  void aRequestDuringABackoffStartsAnAttemptAtOnceAndFailsOnceSayingWhy() throws Exception {
    McpAsyncClient client = streamableClient();
    Connection c = waitingInBackoff(client);
    long attempts = c.reconnectsAttempted();

    Mono<?> wrapped =
        assertInstanceOf(
            Mono.class, SdkHooks.retryOnExpiredSession(initializerOf(client), request("answer")));
    CompletableFuture<?> call = wrapped.toFuture();
    scheduler.runDueWhenHandedOver(DEADLINE); // the request hands its wait to the engine
    scheduler.runDue(); // the attempt it started, without waiting for the backoff
    scheduler.runDueWhenHandedOver(DEADLINE); // its outcome

    assertEquals(attempts + 1, c.reconnectsAttempted(), "the request started an attempt");
    assertFailsSayingTheAttemptFailed(call);
    assertEquals(0, sent.get(), "never sent to the connection known to be down");
    assertEquals(ConnectionState.DISCONNECTED, c.state(), "the schedule goes on");
  }

  /**
   * The resend rule: a request refused at connect never reached the server. While the connection
   * was believed up, the refusal starts a reconnect at once, the request waits for it and goes out
   * once more in the restored session, or fails once, saying why, when the attempt fails too.
   */
  @Test
  void aRequestRefusedAtConnectWaitsForTheReconnectItStartsAndFailsOnceSayingWhy()
      throws Exception {
    McpAsyncClient client = streamableClient();
    Connection c = connected(client);
    long attempts = c.reconnectsAttempted();
    RuntimeException refused =
        new RuntimeException(new java.net.ConnectException("Connection refused"));

    Mono<?> wrapped =
        assertInstanceOf(
            Mono.class,
            SdkHooks.retryOnExpiredSession(initializerOf(client), request(refused, "answer")));
    CompletableFuture<?> call = wrapped.toFuture();
    scheduler.runDueWhenHandedOver(DEADLINE); // the refusal: disconnected, attempt now
    assertEquals(ConnectionState.DISCONNECTED, c.state());
    scheduler.runDue(); // the attempt, to a server that is not there
    scheduler.runDueWhenHandedOver(DEADLINE); // its outcome

    assertEquals(attempts + 1, c.reconnectsAttempted(), "the refusal started an attempt at once");
    assertFailsSayingTheAttemptFailed(call);
    assertEquals(1, sent.get(), "not sent again while the server is not there");
  }

  /**
   * The resend rule: a 503 says the server (or a proxy before it) did not process the request, as
   * while a server restarts behind a proxy; handled as a refusal: a reconnect now, and the request
   * goes out once more in the restored session, or fails once, saying why.
   */
  @Test
  void aRequestAnswered503WaitsForTheReconnectItStartsAndFailsOnceSayingWhy() throws Exception {
    McpAsyncClient client = streamableClient();
    Connection c = connected(client);
    long attempts = c.reconnectsAttempted();
    RuntimeException unavailable =
        new McpTransportException(
            "Received unexpected status code: 503, response body: busy token=SECRET");

    Mono<?> wrapped =
        assertInstanceOf(
            Mono.class,
            SdkHooks.retryOnExpiredSession(initializerOf(client), request(unavailable, "answer")));
    CompletableFuture<?> call = wrapped.toFuture();
    scheduler.runDueWhenHandedOver(DEADLINE); // the 503: disconnected, attempt now
    assertEquals(ConnectionState.DISCONNECTED, c.state());
    scheduler.runDue(); // the attempt, to a server that is not there
    scheduler.runDueWhenHandedOver(DEADLINE); // its outcome

    assertEquals(attempts + 1, c.reconnectsAttempted(), "the 503 started an attempt at once");
    assertFailsSayingTheAttemptFailed(call);
    assertEquals(1, sent.get(), "not sent again while the server is not there");
    assertTrue(
        logged(Log.Level.INFO).stream()
            .anyMatch(l -> l.contains("answered a request of the application 503")),
        String.join("\n", log));
    assertTrue(log.stream().noneMatch(l -> l.contains("SECRET")), "a body can echo anything");
  }

  /** Any other status may come from a server that processed the request: never sent again. */
  @Test
  void aRequestAnswered500IsNotSentAgain() throws Exception {
    McpAsyncClient client = streamableClient();
    Connection c = connected(client);
    RuntimeException failed =
        new McpTransportException("Received unexpected status code: 500, response body: oops");

    Mono<?> wrapped =
        assertInstanceOf(
            Mono.class,
            SdkHooks.retryOnExpiredSession(initializerOf(client), request(failed, "answer")));

    assertSame(failed, assertThrows(McpTransportException.class, () -> wrapped.block(DEADLINE)));
    assertEquals(1, sent.get());
    assertEquals(ConnectionState.CONNECTED, c.state());
  }

  @Test
  void theAgentsOwnPingDuringABackoffDoesNotWaitForItself() throws Exception {
    McpAsyncClient client = streamableClient();
    waitingInBackoff(client);
    Mono<String> request = request("answer");

    SdkDriver.AGENT_REQUEST.set(Boolean.TRUE);
    try {
      Mono<?> wrapped =
          assertInstanceOf(
              Mono.class, SdkHooks.retryOnExpiredSession(initializerOf(client), request));
      assertEquals("answer", wrapped.block(DEADLINE));
    } finally {
      SdkDriver.AGENT_REQUEST.remove();
    }
  }

  @Test
  void aRequestOfAConnectedClientGoesOutAtOnce() throws Exception {
    McpAsyncClient client = streamableClient();
    connected(client);

    Mono<?> wrapped =
        assertInstanceOf(
            Mono.class, SdkHooks.retryOnExpiredSession(initializerOf(client), request("answer")));

    assertEquals("answer", wrapped.block(DEADLINE)); // no engine step needed
  }

  @Test
  void aRequestOfAnUnmanagedClientIsReturnedUnchanged() throws Exception {
    McpAsyncClient client = streamableClient(); // never discovered
    Mono<String> request = request("answer");

    assertSame(request, SdkHooks.retryOnExpiredSession(initializerOf(client), request));
  }
}
