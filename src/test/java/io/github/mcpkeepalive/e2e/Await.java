package io.github.mcpkeepalive.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting on conditions with deadlines; never a bare sleep as synchronization. */
final class Await {

  private Await() {}

  static void until(BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout.toMillis() + " ms waiting for " + what);
      }
      pause();
    }
  }

  /** Lets time pass on purpose (a fault held for a while); not used to wait for a result. */
  static void quiet(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }
}
