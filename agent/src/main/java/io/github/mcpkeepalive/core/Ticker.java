package io.github.mcpkeepalive.core;

/** A monotonic clock in nanoseconds; tests inject a fake one. */
@FunctionalInterface
public interface Ticker {
  long nanoTime();

  Ticker SYSTEM = System::nanoTime;
}
