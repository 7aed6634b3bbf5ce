package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import io.github.mcpkeepalive.core.TaskScheduler;
import io.github.mcpkeepalive.core.Ticker;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's clock and scheduler, moved only by the test: the clock stands still and a task runs
 * when the test calls {@link #runDue()}.
 */
final class ManualScheduler implements Ticker, TaskScheduler {

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
  void runDue() {
    List<Task> due = new ArrayList<>();
    synchronized (this) {
      tasks.removeIf(t -> t.cancelled);
      for (Task t : tasks) {
        if (t.due <= NOW) {
          due.add(t);
        }
      }
      tasks.removeAll(due);
    }
    for (Task t : due) {
      if (!t.cancelled) {
        t.run.run();
      }
    }
  }
}
