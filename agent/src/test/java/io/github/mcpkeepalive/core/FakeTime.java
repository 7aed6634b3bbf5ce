package io.github.mcpkeepalive.core;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/** A clock and a scheduler that move only when a test says so: no sleeping, no threads. */
public final class FakeTime implements Ticker, TaskScheduler {

  private static final class Task implements Comparable<Task>, Cancellable {
    final long due;
    final long seq;
    final Runnable run;
    boolean cancelled;

    Task(long due, long seq, Runnable run) {
      this.due = due;
      this.seq = seq;
      this.run = run;
    }

    @Override
    public int compareTo(Task o) {
      return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now = 1_000_000_000L;
  private long seq;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    Task t = new Task(now + Math.max(0, delayNanos), seq++, task);
    queue.add(t);
    return t;
  }

  @Override
  public void execute(Runnable task) {
    schedule(task, 0);
  }

  /** Runs every task due now, including those they schedule for now. */
  public void runDue() {
    advance(0);
  }

  public void advanceSeconds(double seconds) {
    advance((long) (seconds * 1e9));
  }

  /** Moves the clock forward, running each task at its due time, in order. */
  public void advance(long nanos) {
    long target = now + nanos;
    while (!queue.isEmpty() && queue.peek().due <= target) {
      Task t = queue.poll();
      if (t.cancelled) {
        continue;
      }
      now = Math.max(now, t.due);
      t.run.run();
    }
    now = target;
  }

  double seconds() {
    return now / 1e9;
  }

  public static long secs(double s) {
    return (long) (s * TimeUnit.SECONDS.toNanos(1));
  }
}
