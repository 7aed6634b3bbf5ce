package io.github.mcpkeepalive.core;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Spreads the reconnect attempts of the connections to one server: at most {@code limit} start in
 * any {@code window}; one over the limit waits until the oldest leaves the window, plus a random
 * part of a window, so that a restart storm (a hundred connections losing their server at the same
 * instant) reaches the server as a ramp instead of a wave. A lone connection never waits. Used on
 * the engine's scheduler thread only.
 */
final class Pacer {

  private final int limit;
  private final long windowNanos;
  private final int maxInFlight;
  private final Map<String, ArrayDeque<Long>> starts = new HashMap<>();
  private final Map<String, Integer> inFlight = new HashMap<>();

  /**
   * @param limit attempts to one server that may start in any {@code window}
   * @param maxInFlight attempts to one server that may be under way at once (their sessions are
   *     re-initialized together when the server answers)
   */
  Pacer(int limit, long windowNanos, int maxInFlight) {
    this.limit = limit;
    this.windowNanos = windowNanos;
    this.maxInFlight = maxInFlight;
  }

  /**
   * 0 when an attempt to {@code server} may start at {@code now} (it is then counted), else how
   * long it should wait first; {@code random} in [0, 1).
   */
  long admit(String server, long now, double random) {
    ArrayDeque<Long> recent = starts.computeIfAbsent(server, k -> new ArrayDeque<>());
    while (!recent.isEmpty() && now - recent.peekFirst() >= windowNanos) {
      recent.pollFirst();
    }
    if (inFlight.getOrDefault(server, 0) >= maxInFlight) {
      return windowNanos / 4 + (long) (random * windowNanos / 2); // when some have ended
    }
    if (recent.size() < limit) {
      recent.addLast(now);
      inFlight.merge(server, 1, Integer::sum);
      return 0;
    }
    return recent.peekFirst() + windowNanos - now + (long) (random * windowNanos);
  }

  /** An attempt that {@link #admit} let start has ended. */
  void done(String server) {
    inFlight.computeIfPresent(server, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Replaces the counts of attempts under way with {@code underWay}, counted afresh. */
  void recount(Map<String, Integer> underWay) {
    inFlight.clear();
    inFlight.putAll(underWay);
  }

  /** Forgets servers with no attempt in the last window (called now and then). */
  void trim(long now) {
    starts
        .values()
        .removeIf(
            recent -> {
              while (!recent.isEmpty() && now - recent.peekFirst() >= windowNanos) {
                recent.pollFirst();
              }
              return recent.isEmpty();
            });
  }

  /** The server a URL names: its scheme, host and port (the path and query do not matter). */
  static String serverOf(String url) {
    try {
      URI u = URI.create(url);
      return u.getScheme() + "://" + u.getHost() + ":" + u.getPort();
    } catch (RuntimeException e) {
      return String.valueOf(url);
    }
  }
}
