package io.github.mcpkeepalive.core;

/** Runs tasks after a delay on the agent's one scheduler thread; faked in tests. */
public interface TaskScheduler {

  /** A scheduled task that can be cancelled. */
  interface Cancellable {
    void cancel();
  }

  Cancellable schedule(Runnable task, long delayNanos);

  /** Runs the task on the scheduler thread as soon as possible. */
  void execute(Runnable task);
}
