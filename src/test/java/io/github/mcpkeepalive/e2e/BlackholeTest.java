package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Scenario (c): the path goes dark (the proxy forwards nothing and keeps every socket open, like a
 * dropped TCP link). With {@code interval=5,ping_timeout=2} the agent notices within one idle
 * interval (plus jitter) and one ping timeout, and re-establishes both sessions once the path
 * returns, so the application's calls succeed again.
 */
class BlackholeTest {

  static final Duration INTERVAL_WITH_JITTER = Duration.ofMillis(5_500);
  static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
  static final Duration SLACK = Duration.ofMillis(1_500);

  @Test
  void aSilentlyDeadPathIsDetectedAndRecovered() throws Exception {
    try (Rig rig = new Rig(0, 0);
        AppProcess app =
            AppProcess.start("with-agent", "interval=5,ping_timeout=2", ServerRestartTest.APP, rig.appArgs("4s", 14, "3s"))) {
      Calls.awaitFirstOk(app);

      Instant dark = Instant.now();
      rig.proxy.setBlackhole(true);
      Duration bound = INTERVAL_WITH_JITTER.plus(PING_TIMEOUT).plus(SLACK);
      for (String transport : new String[] {"sse", "streamable"}) {
        AppProcess.Line detected =
            app.awaitAfter(dark, l -> l.contains(" " + transport + " http") && l.contains("CONNECTED -> UNHEALTHY"), bound.plusSeconds(5), transport + " detected");
        Duration took = Duration.between(dark, detected.at());
        System.out.println("BLACKHOLE " + transport + " detected after " + took.toMillis() + " ms (bound " + bound.toMillis() + " ms)");
        assertTrue(took.compareTo(bound) <= 0, () -> transport + ": detected after " + took.toMillis() + " ms, more than interval + jitter + ping_timeout\n" + app.dump());
        app.awaitAfter(dark, l -> l.contains(" " + transport + " http") && l.contains("-> DISCONNECTED"), Duration.ofSeconds(15), transport + " declared disconnected");
      }

      Await.quiet(Duration.ofSeconds(4)); // the path stays dark for a while after detection
      rig.proxy.setBlackhole(false);
      Instant back = Instant.now();

      Instant recovered = back;
      for (String transport : new String[] {"sse", "streamable"}) {
        AppProcess.Line line =
            app.awaitReconnected(back, transport, Duration.ofSeconds(30));
        System.out.println("BLACKHOLE " + transport + " reconnected " + Duration.between(back, line.at()).toMillis() + " ms after the path returned");
        recovered = line.at().isAfter(recovered) ? line.at() : recovered;
      }

      app.awaitExit(Duration.ofSeconds(90));
      Calls.assertAllOkAfter(app, recovered);
      for (String server : new String[] {"sse", "http"}) {
        List<Calls.Call> during = Calls.of(app, server).stream().filter(c -> c.start().isAfter(dark) && c.end().isBefore(back)).collect(Collectors.toList());
        assertTrue(during.stream().noneMatch(Calls.Call::ok), () -> server + ": no call gets through the blackhole (the fault is real)\n" + app.dump());
      }
      Secrets.assertNoneIn(app);
    }
  }
}
