package io.github.mcpkeepalive.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeakIdentityRegistryTest {

  /** Equal by value, so that identity and equality differ. */
  record Key(String name) {}

  @Test
  void keysAreComparedByIdentity() {
    WeakIdentityRegistry<String> r = new WeakIdentityRegistry<>();
    Key a = new Key("same");
    Key b = new Key("same");
    r.put(a, "A");
    assertEquals("A", r.get(a));
    assertNull(r.get(b), "an equal but different object is another client");
    assertEquals("A", r.putIfAbsent(a, "other"));
    r.put(b, "B");
    r.remove(a, "B");
    assertEquals("A", r.get(a), "held by another value: kept");
    r.remove(a, "A");
    assertNull(r.get(a));
    assertEquals("B", r.get(b));
  }

  @Test
  void entriesDoNotKeepTheirKeysAlive() throws InterruptedException {
    WeakIdentityRegistry<String> r = new WeakIdentityRegistry<>();
    Object kept = new Object();
    r.put(kept, "kept");
    for (int i = 0; i < 100; i++) {
      r.put(new Object(), "garbage " + i);
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (r.size() > 1 && System.nanoTime() < deadline) {
      List<byte[]> pressure = new ArrayList<>();
      pressure.add(new byte[1 << 20]);
      System.gc();
      Thread.sleep(10); // giving the collector a moment, bounded by the deadline
      r.put(kept, "kept"); // registry operations purge collected entries
    }
    assertEquals(1, r.size(), "collected keys disappear");
    assertTrue("kept".equals(r.get(kept)));
  }
}
