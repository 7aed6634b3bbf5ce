package io.github.mcpkeepalive.instrumentation;

import io.github.mcpkeepalive.core.TaskScheduler;
import io.github.mcpkeepalive.core.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The engine's clock and scheduler, moved only by the test: the clock stands still and a task runs
 * when the test calls {@link #runDue()}. Shared by the hook and driver tests of every library.
 */
public final class ManualScheduler implements Ticker, TaskScheduler {

  private static final long NOW = 1_000_000_000L;

  private static final class Task implements Cancellable {
    final long due;
    final Runnable run;
    volatile boolean cancelled;

    Task(long due, Runnable run) {
      this.due = due;
      this.run = run;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private final List<Task> tasks = new ArrayList<>();

  @Override
  public long nanoTime() {
    return NOW;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    Task t = new Task(NOW + Math.max(0, delayNanos), task);
    tasks.add(t);
    notifyAll();
    return t;
  }

  @Override
  public void execute(Runnable task) {
    schedule(task, 0);
  }

  /**
   * Runs the tasks due now, once each. What they schedule for now waits for the next call, so that
   * a test sees one step of the engine at a time and the step after it (a reconnect attempt, which
   * would go to the network) is not taken unless the test asks.
   */
  public void runDue() {
    for (Task t : takeDue()) {
      if (!t.cancelled) {
        t.run.run();
      }
    }
  }

  /**
   * Waits until a task is due, {@code deadline} at most, then runs the tasks due as {@link
   * #runDue()} does: for an outcome that another thread hands over to the engine (a reconnect that
   * ran on a worker thread, say).
   */
  public void runDueWhenHandedOver(Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    synchronized (this) {
      while (tasks.stream().noneMatch(t -> t.due <= NOW && !t.cancelled)) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("nothing was handed over to the engine within " + deadline);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
    runDue();
  }

  /**
   * Runs the tasks due, again as other threads hand more over, until {@code done} holds (checked at
   * least every 20 ms: it may turn true on another thread), {@code deadline} at most.
   */
  public void runUntil(java.util.function.BooleanSupplier done, Duration deadline)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      runDue();
      if (done.getAsBoolean()) {
        return;
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("not done within " + deadline);
      }
      synchronized (this) {
        if (tasks.stream().noneMatch(t -> t.due <= NOW && !t.cancelled)) {
          TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)));
        }
      }
    }
  }

  private synchronized List<Task> takeDue() {
    List<Task> due = new ArrayList<>();
    tasks.removeIf(t -> t.cancelled);
    for (Task t : tasks) {
      if (t.due <= NOW) {
        due.add(t);
      }
    }
    tasks.removeAll(due);
    return due;
  }
}
