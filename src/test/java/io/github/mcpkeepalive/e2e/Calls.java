package io.github.mcpkeepalive.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The sample app's CALL and SUMMARY lines, parsed. */
final class Calls {

  record Call(Instant end, String server, int n, boolean ok, long latencyMs, String error) {
    Instant start() {
      return end.minusMillis(latencyMs);
    }
  }

  record Summary(String server, int ok, int failed, int notifications) {}

  private static final Pattern CALL =
      Pattern.compile(
          "^CALL (\\S+) server=(\\S+) n=(\\d+) (ok|failed) latency_ms=(\\d+)(?: error=(\\S+))?");
  private static final Pattern SUMMARY =
      Pattern.compile("^SUMMARY server=(\\S+) ok=(\\d+) failed=(\\d+) notifications=(\\d+)");

  private Calls() {}

  /**
   * Waits until both servers of a {@link Rig} answered a first call. Generous: a Spring Boot
   * application starting while other scenarios run on the same two cores can take 20 s.
   */
  static void awaitFirstOk(AppProcess app) {
    for (String server : new String[] {"sse", "http"}) {
      app.await(
          l -> l.startsWith("CALL ") && l.contains("server=" + server + " ") && l.contains(" ok "),
          Duration.ofSeconds(90),
          "a first " + server + " call");
    }
  }

  /** At least two calls per server started after {@code t}, and every one of them succeeded. */
  static void assertAllOkAfter(AppProcess app, Instant t) {
    for (String server : new String[] {"sse", "http"}) {
      List<Call> after =
          of(app, server).stream().filter(c -> c.start().isAfter(t)).collect(Collectors.toList());
      if (after.size() < 2) {
        throw new AssertionError(server + ": too few calls after " + t + "\n" + app.dump());
      }
      List<Call> failed = after.stream().filter(c -> !c.ok()).collect(Collectors.toList());
      if (!failed.isEmpty()) {
        throw new AssertionError(
            server + ": every call after " + t + " succeeds, but " + failed + "\n" + app.dump());
      }
    }
  }

  /**
   * For the e2e log: per server, how many calls failed, why, and whether any started after {@code
   * t} (the instant a path to the server existed again).
   */
  static String failures(AppProcess app, Instant t) {
    StringBuilder b = new StringBuilder("failed calls:");
    for (String server : new String[] {"sse", "http"}) {
      List<Call> failed =
          of(app, server).stream().filter(c -> !c.ok()).collect(Collectors.toList());
      b.append(' ')
          .append(server)
          .append(' ')
          .append(failed.size())
          .append(' ')
          .append(
              failed.stream()
                  .collect(
                      Collectors.groupingBy(c -> String.valueOf(c.error()), Collectors.counting())))
          .append(", ")
          .append(failed.stream().filter(c -> c.start().isAfter(t)).count())
          .append(" after the path returned;");
    }
    return b.toString();
  }

  static List<Call> of(AppProcess app, String server) {
    return app.texts().stream()
        .map(CALL::matcher)
        .filter(Matcher::find)
        .map(
            m ->
                new Call(
                    Instant.parse(m.group(1)),
                    m.group(2),
                    Integer.parseInt(m.group(3)),
                    m.group(4).equals("ok"),
                    Long.parseLong(m.group(5)),
                    m.group(6)))
        .filter(c -> c.server().equals(server))
        .collect(Collectors.toList());
  }

  static Summary summary(AppProcess app, String server) {
    return app.texts().stream()
        .map(SUMMARY::matcher)
        .filter(Matcher::find)
        .filter(m -> m.group(1).equals(server))
        .map(
            m ->
                new Summary(
                    m.group(1),
                    Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4))))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no SUMMARY for " + server + "\n" + app.dump()));
  }
}
