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
    Backoff b = new Backoff(FakeTime.secs(1), FakeTime.secs(300), 0.1, () -> 0.5);
    List<Long> secs =
        IntStream.rangeClosed(1, 12)
            .mapToObj(n -> b.delayNanos(n) / 1_000_000_000L)
            .collect(Collectors.toList());
    assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 300L, 300L, 300L), secs);
    assertEquals(
        FakeTime.secs(300), b.baseDelayNanos(10_000), "no overflow for large attempt numbers");
  }

  @Test
  void jitterStaysWithinItsBoundsAndSpreads() {
    Random r = new Random(42);
    Backoff b = new Backoff(FakeTime.secs(1), FakeTime.secs(300), 0.1, r::nextDouble);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 10_000; i++) {
      long d = b.delayNanos(3);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertTrue(min >= FakeTime.secs(3.6) && max <= FakeTime.secs(4.4), min + " " + max);
    assertTrue(
        min < FakeTime.secs(3.65) && max > FakeTime.secs(4.35),
        "the whole ±10 % is used: " + min + " " + max);
    Backoff none = new Backoff(FakeTime.secs(1), FakeTime.secs(8), 0.0, r::nextDouble);
    assertEquals(FakeTime.secs(8), none.capNanos());
  }
}
