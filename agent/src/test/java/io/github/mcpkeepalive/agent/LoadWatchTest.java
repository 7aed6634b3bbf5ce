package io.github.mcpkeepalive.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The looks for other class loaders' MCP classes: 1, 2, 4 … s apart, then every minute. */
class LoadWatchTest {

  @Test
  void theWaitsDoubleUpToAMinute() {
    List<Long> seconds = new ArrayList<>();
    long wait = LoadWatch.FIRST_WAIT_NANOS;
    for (int i = 0; i < 9; i++) {
      seconds.add(TimeUnit.NANOSECONDS.toSeconds(wait));
      wait = LoadWatch.nextWait(wait);
    }
    assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L), seconds);
  }
}
