package io.github.mcpkeepalive.core;

import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff: attempt 1 waits {@code initial}, then 2×, 4× … up to {@code max}, each delay
 * made random by one of three {@link Jitter} strategies so that many clients do not retry in step.
 */
public final class Backoff {

  /** How a reconnect delay is made random. */
  public enum Jitter {
    /** The exponential delay spread uniformly by ±{@code jitter} (a fraction): the default. */
    PROPORTIONAL,
    /** Uniform between 0 and the exponential delay ("full jitter"). */
    FULL,
    /**
     * Uniform between {@code initial} and three times the previous delay ({@code initial} before
     * the first), capped ("decorrelated jitter"); the attempt number does not matter.
     */
    DECORRELATED;

    /** The setting's spelling of this strategy. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final long initialNanos;
  private final long maxNanos;
  private final double jitter;
  private final Jitter strategy;
  private final DoubleSupplier random;

  /** {@code random} yields values in [0, 1). */
  public Backoff(
      long initialNanos, long maxNanos, double jitter, Jitter strategy, DoubleSupplier random) {
    this.initialNanos = initialNanos;
    this.maxNanos = maxNanos;
    this.jitter = jitter;
    this.strategy = strategy;
    this.random = random;
  }

  /** The backoff the settings ask for. */
  public static Backoff of(Settings settings, DoubleSupplier random) {
    return new Backoff(
        settings.backoffInitialNanos,
        settings.backoffMaxNanos,
        settings.jitter,
        settings.backoffJitter,
        random);
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

  /**
   * The delay before attempt {@code attempt} (1-based), made random by the strategy; {@code
   * previousNanos} is the delay before the previous attempt of the same episode (0 for none), which
   * only the decorrelated strategy uses.
   */
  public long delayNanos(int attempt, long previousNanos) {
    return switch (strategy) {
      case PROPORTIONAL -> spread(baseDelayNanos(attempt));
      case FULL -> (long) (baseDelayNanos(attempt) * random.getAsDouble());
      case DECORRELATED -> {
        long previous = Math.max(initialNanos, Math.min(maxNanos, previousNanos));
        long upper = previous > maxNanos / 3 ? maxNanos : previous * 3;
        yield Math.min(
            maxNanos, initialNanos + (long) ((upper - initialNanos) * random.getAsDouble()));
      }
    };
  }

  /** The cap, with ±jitter: used after authentication failures. */
  public long capNanos() {
    return spread(maxNanos);
  }

  /** {@code nanos} spread uniformly by ±jitter. */
  public long spread(long nanos) {
    double factor = 1.0 + jitter * (2.0 * random.getAsDouble() - 1.0);
    return Math.max(0L, (long) (nanos * factor));
  }
}
