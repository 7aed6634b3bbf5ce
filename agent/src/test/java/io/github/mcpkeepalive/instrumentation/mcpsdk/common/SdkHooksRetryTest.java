package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
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

  @Test
  void aRequestThatFailsOtherwiseIsNotRetried() throws Exception {
    Mono<?> wrapped =
        wrappedForManagedClient(request(new IllegalStateException("tool failed"), "second answer"));

    IllegalStateException failure =
        assertThrows(IllegalStateException.class, () -> wrapped.block(DEADLINE));
    assertEquals("tool failed", failure.getMessage());
    assertEquals(1, sent.get());
  }

  @Test
  void aRequestOfAnUnmanagedClientIsReturnedUnchanged() throws Exception {
    McpAsyncClient client = streamableClient(); // never discovered
    Mono<String> request = request("answer");

    assertSame(request, SdkHooks.retryOnExpiredSession(initializerOf(client), request));
  }
}
