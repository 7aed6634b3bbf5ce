package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order in which an abandon meets the steps of an attempt, driven step by step on the test's
 * thread as the driver and the woven transport take them: the attempt's task starts ({@link
 * Initializations#enter}), the transport's initialize is entered ({@link
 * Initializations#starting}), sends, stores its future in {@code initializeInProgress} and returns
 * ({@link Initializations#sent}), the task ends ({@link Initializations#exit}). Whatever step the
 * abandon comes after, no initialization is left that the next would join or that requests would
 * wait for, and no interrupt outlives the attempt's task.
 */
class InitializationsTest {

  private final Initializations initializations = new Initializations();

  /** The transport's {@code initializeInProgress}. */
  private final AtomicReference<Object> stored = new AtomicReference<>();

  private long now = 1_000_000_000L;

  @AfterEach
  void noInterruptLeft() {
    assertFalse(Thread.interrupted(), "the test's thread is left interrupted");
  }

  @Test
  void anAttemptAbandonedAfterItStartedButBeforeItsInitializeWentOutSendsNone() {
    Initializations.Attempt attempt = initializations.begin();
    assertTrue(initializations.enter(attempt));

    assertTrue(initializations.abandon(stored));
    assertTrue(Thread.currentThread().isInterrupted(), "interrupted: it still runs the attempt");
    // ...but the library met no interruptible wait before its transport's initialize
    CompletableFuture<Object> refused = initializations.starting(now);

    assertNotNull(refused, "not sent");
    assertTrue(Initializations.refused(refused));
    initializations.exit(attempt);
    assertFalse(Thread.currentThread().isInterrupted(), "cleared as the attempt's task ended");
    assertNextInitializationGoesOut();
  }

  @Test
  void anInitializationStoredAfterTheAbandonIsClearedAndFailedAsSoonAsItIsStored() {
    Initializations.Attempt attempt = initializations.begin();
    initializations.enter(attempt);
    assertNull(initializations.starting(now), "it goes out");

    initializations.abandon(stored); // the request went out; the transport did not store it yet
    CompletableFuture<Object> initialization = new CompletableFuture<>();
    stored.set(initialization);
    boolean cleared = initializations.sent(initialization.thenApply(r -> r), stored);
    initializations.exit(attempt);

    assertTrue(cleared);
    assertNull(stored.get(), "no request waits for it");
    assertAbandoned(initialization);
    assertNextInitializationGoesOut();
  }

  @Test
  void anInitializationStoredBeforeTheAbandonIsClearedAndFailedByIt() {
    Initializations.Attempt attempt = initializations.begin();
    initializations.enter(attempt);
    assertNull(initializations.starting(now));
    CompletableFuture<Object> initialization = new CompletableFuture<>();
    stored.set(initialization);

    initializations.abandon(stored); // stored, the transport's initialize not returned yet
    boolean clearedLate = initializations.sent(initialization.thenApply(r -> r), stored);
    initializations.exit(attempt);

    assertFalse(clearedLate, "the abandon did it");
    assertNull(stored.get());
    assertAbandoned(initialization);
    assertNextInitializationGoesOut();
  }

  @Test
  void anInitializationLinkedBeforeTheAbandonIsClearedAndFailedByIt() {
    Initializations.Attempt attempt = initializations.begin();
    initializations.enter(attempt);
    assertNull(initializations.starting(now));
    CompletableFuture<Object> initialization = new CompletableFuture<>();
    stored.set(initialization);
    CompletableFuture<Object> sent = initialization.thenApply(r -> r);
    initializations.sent(sent, stored);
    CompletableFuture<Object> joined =
        CompletableFuture.supplyAsync(() -> initializations.starting(now + 1)).join();
    assertNotNull(joined, "a request's own initialize, after a 404, joins it");

    initializations.abandon(stored); // the attempt waits for the answer
    initializations.exit(attempt);

    assertNull(stored.get());
    assertAbandoned(initialization);
    assertTrue(sent.isCompletedExceptionally(), "the attempt's wait ends");
    assertAbandoned(joined);
    assertNextInitializationGoesOut();
  }

  @Test
  void anAttemptAbandonedBeforeItsTaskStartedRunsNothing() {
    Initializations.Attempt attempt = initializations.begin();

    assertTrue(initializations.abandon(stored));

    assertFalse(initializations.enter(attempt));
    assertFalse(Thread.currentThread().isInterrupted(), "not running it: not interrupted");
    assertNextInitializationGoesOut();
  }

  @Test
  void anAbandonAfterTheAttemptsTaskEndedLeavesItsThreadAlone() {
    Initializations.Attempt attempt = initializations.begin();
    initializations.enter(attempt);
    initializations.exit(attempt);

    assertFalse(initializations.abandon(stored), "nothing under way: a ping timed out");

    assertFalse(Thread.currentThread().isInterrupted(), "its next task would fail at once");
  }

  @Test
  void anInterruptLeftOnThePooledThreadDoesNotReachTheNextAttempt() {
    Thread.currentThread().interrupt(); // left by an earlier task

    Initializations.Attempt attempt = initializations.begin();
    assertTrue(initializations.enter(attempt));

    assertFalse(Thread.currentThread().isInterrupted());
    initializations.exit(attempt);
  }

  @Test
  void aPingTimingOutTouchesNoInitialization() {
    CompletableFuture<Object> initialization = new CompletableFuture<>();
    stored.set(initialization); // a request's own, after a 404

    assertFalse(initializations.abandon(stored));

    assertSame(initialization, stored.get());
    assertFalse(initialization.isDone());
  }

  @Test
  void aRequestsInitializationOnAnotherThreadIsNotRefusedAfterAnAbandon() {
    Initializations.Attempt attempt = initializations.begin();
    initializations.enter(attempt);
    initializations.abandon(stored);

    CompletableFuture<Object> other =
        CompletableFuture.supplyAsync(
            () -> {
              CompletableFuture<Object> underWay = initializations.starting(now);
              initializations.sent(new CompletableFuture<>(), stored);
              return underWay;
            });

    assertNull(other.join(), "only the abandoned attempt's thread sends none");
    initializations.exit(attempt);
  }

  /** The next attempt's initialize goes out: it joins nothing the abandoned attempt left. */
  private void assertNextInitializationGoesOut() {
    Initializations.Attempt next = initializations.begin();
    assertTrue(initializations.enter(next));
    try {
      now += 1; // well within the time a claim may stay unlinked
      assertNull(initializations.starting(now), "joined what the abandoned attempt left");
      CompletableFuture<Object> initialization = new CompletableFuture<>();
      stored.set(initialization);
      assertFalse(initializations.sent(initialization, stored));
      assertSame(initialization, stored.get(), "the next one's is left alone");
    } finally {
      initializations.exit(next);
    }
  }

  private static void assertAbandoned(CompletableFuture<?> f) {
    assertTrue(f.isCompletedExceptionally(), "failed at once, not left to hang");
    try {
      f.join();
    } catch (CompletionException e) {
      assertInstanceOf(TimeoutException.class, e.getCause());
    }
  }
}
