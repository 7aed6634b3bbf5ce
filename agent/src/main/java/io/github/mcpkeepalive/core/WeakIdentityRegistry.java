package io.github.mcpkeepalive.core;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps application objects, by identity, to values without keeping the objects alive. Entries of
 * collected keys are purged on every write. Lookups and writes are O(1).
 */
public final class WeakIdentityRegistry<V> {

  private static final class Key extends WeakReference<Object> {
    final int hash;

    Key(Object referent, ReferenceQueue<Object> queue) {
      super(referent, queue);
      this.hash = System.identityHashCode(referent);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (o instanceof Key) {
        Object mine = get();
        return mine != null && mine == ((Key) o).get();
      }
      if (o instanceof Probe) {
        Object mine = get();
        return mine != null && mine == ((Probe) o).referent;
      }
      return false;
    }
  }

  /** A lookup key that holds its object strongly and allocates no reference. */
  private static final class Probe {
    final Object referent;

    Probe(Object referent) {
      this.referent = referent;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(referent);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key && ((Key) o).get() == referent;
    }
  }

  private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> queue = new ReferenceQueue<>();

  public V get(Object key) {
    return key == null ? null : map.get(new Probe(key));
  }

  public void put(Object key, V value) {
    purge();
    map.put(new Key(key, queue), value);
  }

  /** Stores the value unless the key is present; returns the value now stored. */
  public V putIfAbsent(Object key, V value) {
    purge();
    V prior = map.putIfAbsent(new Key(key, queue), value);
    return prior == null ? value : prior;
  }

  public void remove(Object key) {
    if (key != null) {
      map.remove(new Probe(key));
    }
  }

  /** Removes the entry of {@code key} if it holds {@code value} (compared by identity). */
  public void remove(Object key, V value) {
    if (key != null) {
      map.computeIfPresent(new Probe(key), (k, v) -> v == value ? null : v);
    }
  }

  public int size() {
    purge();
    return map.size();
  }

  private void purge() {
    for (Object ref = queue.poll(); ref != null; ref = queue.poll()) {
      map.remove(ref);
    }
  }
}
