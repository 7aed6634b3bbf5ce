package io.github.mcpkeepalive.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The loaded-host switch and the scheduling slack the suite's time bounds allow for.
 *
 * <p>{@code -De2e.busy=N} (the build passes {@code mvn verify -De2e.busy=2} through) starts N
 * threads that spin for the whole run, competing with the applications under test for the machine's
 * cores, as on a loaded CI host. Time bounds in assertions are the agent's settings plus {@link
 * #slack()}: how late this machine wakes a sleeping thread right now, measured once.
 */
final class HostLoad {

  private static final int BUSY = Integer.getInteger("e2e.busy", 0);
  private static final List<Thread> SPINNERS = new ArrayList<>();
  private static volatile long sink;
  private static Duration slack;

  static {
    for (int i = 0; i < BUSY; i++) {
      Thread t =
          new Thread(
              () -> {
                long x = 0;
                while (true) {
                  x = x * 31 + 7;
                  sink = x;
                }
              },
              "e2e-busy-" + i);
      t.setDaemon(true);
      t.start();
      SPINNERS.add(t);
    }
    if (BUSY > 0) {
      System.out.println("HOST LOAD: " + BUSY + " busy threads compete for the cores");
    }
  }

  private HostLoad() {}

  /** Starts the busy threads when the switch asks for them (once per test JVM). */
  static void ensure() {
    // the static initializer does the work
  }

  /**
   * The scheduling slack of this machine now: the largest lateness of 20 sleeps of 50 ms, times
   * four (three applications run at once), at least 1.5 s, at most 5 s.
   */
  static synchronized Duration slack() {
    if (slack == null) {
      long worst = 0;
      for (int i = 0; i < 20; i++) {
        long start = System.nanoTime();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        worst = Math.max(worst, System.nanoTime() - start - TimeUnit.MILLISECONDS.toNanos(50));
      }
      long ms = Math.min(5_000, Math.max(1_500, TimeUnit.NANOSECONDS.toMillis(worst) * 4));
      slack = Duration.ofMillis(ms);
      System.out.println(
          "SCHEDULING SLACK: worst sleep lateness "
              + TimeUnit.NANOSECONDS.toMillis(worst)
              + " ms; bounds allow "
              + ms
              + " ms"
              + (BUSY > 0 ? " (" + BUSY + " busy threads)" : ""));
    }
    return slack;
  }
}
