package io.github.mcpkeepalive.sample.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every sample application does, whatever its MCP library: for each server, in its own thread,
 * start the client and list the tools, then call the {@code echo} tool every {@code every}, {@code
 * calls} times; print one line per event and a summary per server:
 *
 * <pre>
 * READY &lt;instant&gt; server=&lt;name&gt; tools=&lt;n&gt;            (or INIT … failed error=&lt;error&gt;, per try)
 * CALL &lt;instant&gt; server=&lt;name&gt; n=&lt;i&gt; ok latency_ms=&lt;ms&gt;  (or … failed latency_ms=&lt;ms&gt; error=&lt;error&gt;)
 * NOTIFY &lt;instant&gt; server=&lt;name&gt; tools_list_changed
 * SUMMARY server=&lt;name&gt; ok=&lt;n&gt; failed=&lt;n&gt; notifications=&lt;n&gt;
 * </pre>
 */
public final class CallSchedule {

  /** One application client, as its library offers it; used by one thread. */
  public interface Session {

    /** Connects (if the library connects lazily) and lists the tools; returns their number. */
    int start();

    /**
     * Calls {@code echo} with {@code {"text":"call <n>"}}; returns null when it succeeded, or the
     * name of the error when the library returned a failed result instead of throwing.
     */
    String call(int n);

    /** Notifications received so far. */
    int notifications();

    /** How a failure of this library is named in the output; the exception class by default. */
    default String errorName(RuntimeException e) {
      return errorClass(e);
    }

    /** Releases the client; failures of a broken client are ignored. */
    void close();
  }

  /** A session with the name its lines carry. */
  public record Named(String name, Session session) {}

  private CallSchedule() {}

  /**
   * Runs the schedule on every session in parallel; returns the number of failed calls. A start
   * that fails is tried again a second later while {@code startupRetry} has not passed since the
   * first try (zero: one try); the calls follow either way.
   */
  public static int run(List<Named> sessions, Duration every, int calls, Duration startupRetry)
      throws InterruptedException {
    CountDownLatch done = new CountDownLatch(sessions.size());
    AtomicInteger totalFailed = new AtomicInteger();
    List<String> summaries = Collections.synchronizedList(new ArrayList<>());
    for (Named s : sessions) {
      Thread t =
          new Thread(
              () -> {
                try {
                  int[] r = runOne(s.name(), s.session(), every, calls, startupRetry);
                  totalFailed.addAndGet(r[1]);
                  summaries.add(
                      "SUMMARY server="
                          + s.name()
                          + " ok="
                          + r[0]
                          + " failed="
                          + r[1]
                          + " notifications="
                          + s.session().notifications());
                } finally {
                  done.countDown();
                }
              },
              "app-" + s.name());
      t.start();
    }
    done.await();
    summaries.forEach(CallSchedule::out);
    return totalFailed.get();
  }

  private static int[] runOne(
      String name, Session session, Duration every, int calls, Duration startupRetry) {
    int ok = 0;
    int failed = 0;
    try {
      start(name, session, startupRetry);
      long next = System.nanoTime();
      for (int i = 1; i <= calls; i++) {
        next += every.toNanos();
        sleepUntil(next);
        long start = System.nanoTime();
        String error;
        try {
          error = session.call(i);
        } catch (RuntimeException e) {
          error = session.errorName(e);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (error == null) {
          ok++;
          out("CALL " + Instant.now() + " server=" + name + " n=" + i + " ok latency_ms=" + ms);
        } else {
          failed++;
          out(
              "CALL "
                  + Instant.now()
                  + " server="
                  + name
                  + " n="
                  + i
                  + " failed latency_ms="
                  + ms
                  + " error="
                  + error);
        }
      }
    } finally {
      try {
        session.close();
      } catch (RuntimeException ignored) {
        // closing a broken client
      }
    }
    return new int[] {ok, failed};
  }

  /**
   * Starts {@code session}, trying again every second until {@code retry} has passed (a host too
   * busy for the first initialization to meet the request timeout).
   */
  private static void start(String name, Session session, Duration retry) {
    long deadline = System.nanoTime() + retry.toNanos();
    while (true) {
      try {
        out("READY " + Instant.now() + " server=" + name + " tools=" + session.start());
        return;
      } catch (RuntimeException e) {
        out("INIT " + Instant.now() + " server=" + name + " failed error=" + session.errorName(e));
      }
      long again = System.nanoTime() + 1_000_000_000L;
      if (again - deadline > 0) {
        return;
      }
      sleepUntil(again);
    }
  }

  /** Prints a {@code NOTIFY} line. */
  public static void notified(String name) {
    out("NOTIFY " + Instant.now() + " server=" + name + " tools_list_changed");
  }

  /** {@code Class} or {@code Class/RootCauseClass}. */
  public static String errorClass(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + "/" + root.getClass().getSimpleName();
  }

  /** {@code 500ms}, {@code 12s}, {@code 12} (seconds). */
  public static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    if (t.endsWith("s")) {
      t = t.substring(0, t.length() - 1);
    }
    return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
  }

  private static void sleepUntil(long deadlineNanos) {
    long wait;
    while ((wait = deadlineNanos - System.nanoTime()) > 0) {
      try {
        Thread.sleep(Math.max(1, wait / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One output line, whole, at once. */
  public static synchronized void out(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
