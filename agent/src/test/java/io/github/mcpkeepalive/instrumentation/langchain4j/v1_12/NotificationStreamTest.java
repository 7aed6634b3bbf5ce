package io.github.mcpkeepalive.instrumentation.langchain4j.v1_12;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.Backoff;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.TaskScheduler;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's handling of a langchain4j notification stream, with the library, the engine, the
 * clock and the scheduler played by the test: no threads, no sleeping.
 */
class NotificationStreamTest {

  /** The library: streams it was asked to open, and the subscriptions it ended. */
  final List<CompletableFuture<Object>> opens = new ArrayList<>();

  final Set<Object> subscribed = new HashSet<>();
  final List<Object> cancelled = new ArrayList<>();

  /** The engine: how often it was told the stream is gone. */
  final List<Throwable> lost = new ArrayList<>();

  final List<String> log = new ArrayList<>();

  long now = 1_000_000_000L;
  final List<long[]> dueAt = new ArrayList<>(); // {due, index into tasks}
  final List<Runnable> tasks = new ArrayList<>();

  final TaskScheduler scheduler =
      new TaskScheduler() {
        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
          tasks.add(task);
          dueAt.add(new long[] {now + delayNanos, tasks.size() - 1});
          return () -> {};
        }

        @Override
        public void execute(Runnable task) {
          schedule(task, 0);
        }
      };

  final NotificationStream.Library library =
      new NotificationStream.Library() {
        @Override
        public CompletableFuture<?> open() {
          CompletableFuture<Object> f = new CompletableFuture<>();
          opens.add(f);
          return f;
        }

        @Override
        public boolean cancel(Object subscriber) {
          if (!subscribed.contains(subscriber)) {
            return false;
          }
          cancelled.add(subscriber);
          return true;
        }
      };

  NotificationStream stream;

  @BeforeEach
  void setUp() {
    Log.setSink(log::add);
    Backoff backoff =
        new Backoff(
            TimeUnit.SECONDS.toNanos(1),
            TimeUnit.SECONDS.toNanos(8),
            0.0,
            Backoff.Jitter.PROPORTIONAL,
            () -> 0.5);
    stream =
        new NotificationStream(
            library,
            lost::add,
            "c1 streamable http://mcp.example.com/mcp",
            () -> now,
            scheduler,
            backoff);
  }

  @AfterEach
  void tearDown() {
    Log.setSink(null);
  }

  /** The library's stream {@code s} was accepted and subscribed. */
  void accepted(Object s) {
    stream.answered(s, 200, true);
    subscribed.add(s);
    stream.subscribed(s);
  }

  void advanceSeconds(double s) {
    now += (long) (s * 1e9);
    List<long[]> due = new ArrayList<>(dueAt);
    due.sort((a, b) -> Long.compare(a[0], b[0]));
    for (long[] d : due) {
      if (d[0] <= now) {
        dueAt.remove(d);
        tasks.get((int) d[1]).run();
      }
    }
  }

  @Test
  void aCutStreamIsReportedAtOnceAndReopenedWhenTheSessionAnswers() {
    Object first = new Object();
    stream.adopt(first, true);
    advanceSeconds(7);
    EOFException cut = new EOFException("EOF reached while reading");
    stream.ended(first, cut);
    assertEquals(List.of(cut), lost, "the engine checks the session at once");
    assertFalse(stream.isOpen());

    stream.reopenIfClosed(); // the ping was answered
    assertEquals(1, opens.size(), "re-opened at once, not after 5 s");
    Object second = new Object();
    accepted(second);
    opens.get(0).complete(null);
    assertTrue(stream.isOpen());
    assertEquals(List.of(), cancelled);
    stream.reopenIfClosed();
    assertEquals(1, opens.size(), "an open stream is not opened again");
  }

  @Test
  void aNewStreamForANewSessionEndsThePreviousOne() {
    Object first = new Object();
    subscribed.add(first);
    stream.adopt(first, true);
    Object second = new Object();
    accepted(second); // the session was re-initialized: the library opened another stream
    assertEquals(List.of(first), cancelled);
    assertEquals(1, stream.replaced());

    stream.ended(first, new EOFException("cancelled"));
    assertEquals(List.of(), lost, "the end of a replaced stream is not a cut");
    assertTrue(stream.isOpen());
  }

  @Test
  void aReplacedStreamNotYetSubscribedIsEndedWhenItIsSubscribed() {
    Object first = new Object();
    stream.answered(first, 200, true); // accepted, its subscription not set yet
    Object second = new Object();
    accepted(second);
    assertEquals(List.of(), cancelled, "nothing to cancel yet");

    subscribed.add(first);
    stream.subscribed(first);
    assertEquals(List.of(first), cancelled);
    subscribed.add(new Object());
    stream.subscribed(second);
    assertEquals(List.of(first), cancelled, "the current stream stays");
  }

  @Test
  void failedReopensBackOffThroughTheEngineAndAStreamThatLastsResetsTheSteps() {
    Object first = new Object();
    stream.adopt(first, true);
    advanceSeconds(10);
    stream.ended(first, null);
    assertEquals(1, lost.size());

    stream.reopenIfClosed();
    stream.answered(new Object(), 503, false);
    opens.get(0).complete(null);
    assertEquals(1, stream.failures());
    assertEquals(1, lost.size(), "not retried before the first step");
    stream.reopenIfClosed(); // a ping answered meanwhile does not skip the wait
    assertEquals(1, opens.size());
    advanceSeconds(1);
    assertEquals(2, lost.size(), "after 1 s the engine checks the session again");

    stream.reopenIfClosed();
    opens.get(1).complete(null); // no answer at all: connection refused
    advanceSeconds(1.9);
    assertEquals(2, lost.size());
    advanceSeconds(0.1);
    assertEquals(3, lost.size(), "then after 2 s");

    stream.reopenIfClosed();
    Object third = new Object();
    accepted(third);
    opens.get(2).complete(null);
    advanceSeconds(0.5);
    stream.ended(third, null); // ended within a second: counts as a failure
    assertEquals(3, lost.size());
    assertEquals(3, stream.failures());
    advanceSeconds(4);
    assertEquals(4, lost.size(), "then after 4 s");

    stream.reopenIfClosed();
    Object fourth = new Object();
    accepted(fourth);
    opens.get(3).complete(null);
    advanceSeconds(30);
    stream.ended(fourth, null);
    assertEquals(0, stream.failures(), "a stream that lasted resets the steps");
    assertEquals(5, lost.size(), "and its cut is reported at once");
    assertTrue(
        log.stream()
            .anyMatch(
                l ->
                    l.contains("INFO")
                        && l.contains("notification stream open again after 3 failed attempt(s)")),
        log::toString);
    assertEquals(
        1,
        log.stream()
            .filter(l -> l.contains("INFO") && l.contains("could not be re-opened"))
            .count(),
        "one INFO line per run of failures: " + log);
  }

  @Test
  void aServerWithoutTheStreamIsNotAskedAgain() {
    stream.adopt(new Object(), true);
    Object first = new Object();
    accepted(first);
    advanceSeconds(10);
    stream.ended(first, null);
    stream.reopenIfClosed();
    stream.answered(new Object(), 405, false);
    opens.get(0).complete(null);
    stream.reopenIfClosed();
    advanceSeconds(600);
    assertEquals(1, opens.size());
    assertEquals(1, lost.size());
  }

  @Test
  void nothingIsReopenedWhenTheLibraryNeverOpenedAStream() {
    stream.adopt(null, false); // the server refused it at initialize, or it is not opened yet
    stream.reopenIfClosed();
    assertEquals(0, opens.size());
  }

  @Test
  void aStreamOpenedBeforeTheAgentKnewItsSubscriberCountsAsTheCurrentOne() {
    stream.adopt(null, true); // attached to a running application
    advanceSeconds(20);
    stream.ended(new Object(), null);
    assertEquals(1, lost.size());
    stream.reopenIfClosed();
    assertEquals(1, opens.size());
  }

  @Test
  void closingTheClientEndsItsStreamAndStopsRetries() {
    Object first = new Object();
    subscribed.add(first);
    stream.adopt(first, true);
    advanceSeconds(10);
    stream.close();
    assertEquals(List.of(first), cancelled, "the library leaves it open before Java 21");
    stream.ended(first, null);
    stream.reopenIfClosed();
    advanceSeconds(600);
    assertEquals(List.of(), lost);
    assertEquals(0, opens.size());
  }
}
