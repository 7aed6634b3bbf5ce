package io.github.mcpkeepalive.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void delaysDoubleFromTheInitialOneUpToTheCap() {
    Backoff b =
        new Backoff(
            FakeTime.secs(1), FakeTime.secs(300), 0.1, Backoff.Jitter.PROPORTIONAL, () -> 0.5);
    List<Long> secs =
        IntStream.rangeClosed(1, 12)
            .mapToObj(n -> b.delayNanos(n, 0) / 1_000_000_000L)
            .collect(Collectors.toList());
    assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 300L, 300L, 300L), secs);
    assertEquals(
        FakeTime.secs(300), b.baseDelayNanos(10_000), "no overflow for large attempt numbers");
  }

  @Test
  void jitterStaysWithinItsBoundsAndSpreads() {
    Random r = new Random(42);
    Backoff b =
        new Backoff(
            FakeTime.secs(1), FakeTime.secs(300), 0.1, Backoff.Jitter.PROPORTIONAL, r::nextDouble);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 10_000; i++) {
      long d = b.delayNanos(3, 0);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertTrue(min >= FakeTime.secs(3.6) && max <= FakeTime.secs(4.4), min + " " + max);
    assertTrue(
        min < FakeTime.secs(3.65) && max > FakeTime.secs(4.35),
        "the whole ±10 % is used: " + min + " " + max);
    Backoff none =
        new Backoff(
            FakeTime.secs(1), FakeTime.secs(8), 0.0, Backoff.Jitter.PROPORTIONAL, r::nextDouble);
    assertEquals(FakeTime.secs(8), none.capNanos());
  }

  @Test
  void fullJitterDrawsFromZeroToTheExponentialDelay() {
    Random r = new Random(7);
    Backoff b =
        new Backoff(FakeTime.secs(1), FakeTime.secs(300), 0.1, Backoff.Jitter.FULL, r::nextDouble);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 10_000; i++) {
      long d = b.delayNanos(4, 0);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertTrue(min >= 0 && max <= FakeTime.secs(8), min + " " + max);
    assertTrue(min < FakeTime.secs(0.1) && max > FakeTime.secs(7.9), "the whole range: " + min);
    Backoff top =
        new Backoff(FakeTime.secs(1), FakeTime.secs(300), 0.1, Backoff.Jitter.FULL, () -> 0.999);
    assertTrue(top.delayNanos(20, 0) <= FakeTime.secs(300), "capped");
  }

  @Test
  void decorrelatedJitterGrowsFromThePreviousDelayUpToTheCap() {
    Backoff low =
        new Backoff(
            FakeTime.secs(1), FakeTime.secs(300), 0.1, Backoff.Jitter.DECORRELATED, () -> 0.0);
    assertEquals(FakeTime.secs(1), low.delayNanos(5, FakeTime.secs(40)), "never below initial");
    Backoff high =
        new Backoff(
            FakeTime.secs(1), FakeTime.secs(300), 0.1, Backoff.Jitter.DECORRELATED, () -> 1.0);
    assertEquals(FakeTime.secs(3), high.delayNanos(1, 0), "first: up to 3 × initial");
    assertEquals(FakeTime.secs(120), high.delayNanos(2, FakeTime.secs(40)), "3 × the previous");
    assertEquals(FakeTime.secs(300), high.delayNanos(3, FakeTime.secs(200)), "capped");
    assertEquals(FakeTime.secs(300), high.delayNanos(3, Long.MAX_VALUE), "no overflow");
    Random r = new Random(3);
    Backoff b =
        new Backoff(
            FakeTime.secs(1), FakeTime.secs(300), 0.1, Backoff.Jitter.DECORRELATED, r::nextDouble);
    long previous = 0;
    for (int i = 0; i < 1_000; i++) {
      long d = b.delayNanos(i + 1, previous);
      long upper = Math.min(FakeTime.secs(300), 3 * Math.max(FakeTime.secs(1), previous));
      assertTrue(d >= FakeTime.secs(1) && d <= upper, d + " after " + previous);
      previous = d;
    }
  }

  @Test
  void strategiesAreNamedAsInTheSetting() {
    assertEquals(Backoff.Jitter.FULL, ConfigKey.BACKOFF_JITTER.parse(" Full "));
    assertEquals(Backoff.Jitter.DECORRELATED, ConfigKey.BACKOFF_JITTER.parse("decorrelated"));
    assertEquals(Backoff.Jitter.PROPORTIONAL, ConfigKey.BACKOFF_JITTER.parse("proportional"));
    assertEquals(null, ConfigKey.BACKOFF_JITTER.parse("equal"));
  }
}
