package io.github.mcpkeepalive.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The start line's figures, written without a formatter, read as a formatter writes them. */
class SettingsTest {

  @Test
  void decimalsAreWhatPercentFGives() {
    for (int i = 0; i <= 100_000; i++) {
      double v = i / 1000.0;
      assertEquals(String.format(Locale.ROOT, "%.2f", v), Settings.decimals(v, 2), "2 of " + v);
      assertEquals(String.format(Locale.ROOT, "%.1f", v), Settings.decimals(v, 1), "1 of " + v);
    }
  }

  @Test
  void theSummaryOfTheDefaults() {
    assertEquals(
        "interval=300s ping_timeout=10s failure_threshold=3 backoff=1s..300s jitter=0.10 servers=0",
        Settings.defaults().summary());
  }

  @Test
  void secondsKeepOneDecimalWhenNotWhole() {
    assertEquals("2.5", Settings.seconds(2_500_000_000L));
    assertEquals("7", Settings.seconds(7_000_000_000L));
  }
}
