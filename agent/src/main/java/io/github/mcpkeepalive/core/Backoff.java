package io.github.mcpkeepalive.core;

import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: attempt 1 waits {@code initial}, then 2×, 4× … up to {@code
 * max}; each delay is spread by ±{@code jitter} (a fraction) so that many clients do not retry in
 * step.
 */
public final class Backoff {

  private final long initialNanos;
  private final long maxNanos;
  private final double jitter;
  private final DoubleSupplier random;

  /** {@code random} yields values in [0, 1). */
  public Backoff(long initialNanos, long maxNanos, double jitter, DoubleSupplier random) {
    this.initialNanos = initialNanos;
    this.maxNanos = maxNanos;
    this.jitter = jitter;
    this.random = random;
  }

  /** The delay before attempt {@code attempt} (1-based), without jitter. */
  public long baseDelayNanos(int attempt) {
    int shift = Math.max(0, Math.min(attempt - 1, 62));
    long base = initialNanos;
    for (int i = 0; i < shift && base < maxNanos; i++) {
      base = base > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : base * 2;
    }
    return Math.min(base, maxNanos);
  }

  /** The delay before attempt {@code attempt} (1-based), with jitter. */
  public long delayNanos(int attempt) {
    return spread(baseDelayNanos(attempt));
  }

  /** The cap, with jitter: used after authentication failures. */
  public long capNanos() {
    return spread(maxNanos);
  }

  /** {@code nanos} spread uniformly by ±jitter. */
  public long spread(long nanos) {
    double factor = 1.0 + jitter * (2.0 * random.getAsDouble() - 1.0);
    return Math.max(0L, (long) (nanos * factor));
  }
}
