package io.github.mcpkeepalive.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PacerTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private final Pacer pacer = new Pacer(8, 100 * MS, 100);

  @Test
  void aLoneConnectionNeverWaits() {
    for (int i = 0; i < 20; i++) {
      assertEquals(0, pacer.admit("http://a:1", i * 50 * MS, 0.5));
    }
  }

  @Test
  void aStormIsAdmittedAtMostEightPerWindowAndTheRestWaitForAFreeSlot() {
    long now = 1_000 * MS;
    for (int i = 0; i < 8; i++) {
      assertEquals(0, pacer.admit("http://a:1", now, 0.5), "attempt " + (i + 1) + " at once");
    }
    long wait = pacer.admit("http://a:1", now + 10 * MS, 0.5);
    assertEquals(90 * MS + 50 * MS, wait, "until the oldest leaves the window, plus jitter");
    assertEquals(0, pacer.admit("http://b:1", now + 10 * MS, 0.5), "another server: its own");
    assertEquals(0, pacer.admit("http://a:1", now + 100 * MS, 0.5), "a slot is free again");
  }

  @Test
  void noMoreThanTheMaximumAreUnderWayAtOnce() {
    Pacer few = new Pacer(8, 100 * MS, 2);
    assertEquals(0, few.admit("http://a:1", 0, 0.5));
    assertEquals(0, few.admit("http://a:1", 0, 0.5));
    assertTrue(few.admit("http://a:1", 0, 0.5) > 0, "a third waits");
    few.done("http://a:1");
    assertEquals(0, few.admit("http://a:1", 0, 0.5), "one ended: the third may start");
  }

  @Test
  void theServerIsSchemeHostAndPortWithoutPathOrQuery() {
    assertEquals("http://h:8080", Pacer.serverOf("http://h:8080/mcp"));
    assertEquals(Pacer.serverOf("http://h:8080/sse"), Pacer.serverOf("http://h:8080/mcp"));
    assertTrue(Pacer.serverOf("not a url").length() > 0);
  }
}
