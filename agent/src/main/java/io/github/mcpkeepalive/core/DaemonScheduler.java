package io.github.mcpkeepalive.core;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The real scheduler: one daemon thread for every connection of the JVM. */
public final class DaemonScheduler implements TaskScheduler {

  private final ScheduledThreadPoolExecutor executor;

  public DaemonScheduler() {
    executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "mcp-keepalive-scheduler");
              t.setDaemon(true);
              t.setPriority(Thread.NORM_PRIORITY);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    ScheduledFuture<?> f =
        executor.schedule(guard(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public void execute(Runnable task) {
    executor.execute(guard(task));
  }

  private static Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        Log.warn("internal error in scheduled task, continuing: " + Redact.error(t));
      }
    };
  }
}
