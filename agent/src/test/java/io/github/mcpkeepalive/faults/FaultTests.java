package io.github.mcpkeepalive.faults;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the fault tests share: reading the JSON-RPC requests the server got, waiting, telling. */
final class FaultTests {

  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\"[^\"]*\"|[0-9]+)");
  private static final Pattern METHOD = Pattern.compile("\"method\"\\s*:\\s*\"([^\"]+)\"");

  private FaultTests() {}

  /** The JSON-RPC id of a request body as it is written there (a number, or a quoted string). */
  static String idOf(String body) {
    Matcher m = ID.matcher(body);
    if (!m.find()) {
      throw new IllegalArgumentException(body);
    }
    return m.group(1);
  }

  /** The JSON-RPC method of a request body, or "" for none (a response, a notification's ack). */
  static String rpcOf(String body) {
    Matcher m = METHOD.matcher(body);
    return m.find() ? m.group(1) : "";
  }

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@code deadline}. */
  static void waitFor(BooleanSupplier condition, Duration deadline, String what)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(what + ": not so within " + deadline);
      }
      Thread.sleep(5); // polling a condition, with a deadline
    }
  }

  /** A failure and its causes, one line. */
  static String trace(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null && sb.length() < 2000; c = c.getCause()) {
      sb.append(c.getClass().getName()).append(": ").append(c.getMessage()).append(" <- ");
    }
    return sb.toString();
  }
}
