package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Scenario (d): the server restarts and, for a while, answers 401 to the application's token. The
 * agent does not hammer it: after the first rejection its attempts are spaced at {@code
 * backoff_max} (here 4 s), it says so in exactly one WARN line per connection, and it restores
 * the sessions once the server accepts the token again.
 */
class AuthRejectedTest {

  static final double CAP_SECONDS = 4;

  @Test
  void rejectedCredentialsAreRetriedAtTheCapAndReportedOnce() throws Exception {
    try (Rig rig = new Rig(0, 0);
        AppProcess app =
            AppProcess.start("with-agent", "interval=5,backoff_max=4,log_level=debug", ServerRestartTest.APP, rig.appArgs("3s", 12, "3s"))) {
      Calls.awaitFirstOk(app);

      Instant rejected = Instant.now();
      rig.server.setRejectAll(true);
      rig.server.restart();
      for (String transport : new String[] {"sse", "streamable"}) {
        app.awaitAfter(rejected, l -> l.contains(" " + transport + " http") && l.contains("rejects the application's credentials"), Duration.ofSeconds(20), transport + ": the auth warning");
      }
      Await.quiet(Duration.ofSeconds(13)); // the credentials stay rejected for a while
      rig.server.setRejectAll(false);
      Instant accepted = Instant.now();

      Instant recovered = accepted;
      for (String transport : new String[] {"sse", "streamable"}) {
        AppProcess.Line line =
            app.awaitReconnected(accepted, transport, Duration.ofSeconds(15));
        Duration after = Duration.between(accepted, line.at());
        System.out.println("AUTH " + transport + " reconnected " + after.toMillis() + " ms after the server accepted the token again");
        assertTrue(after.toMillis() <= CAP_SECONDS * 1.1 * 1000 + 1500, () -> transport + ": recovery waits at most one capped step\n" + app.dump());
        recovered = line.at().isAfter(recovered) ? line.at() : recovered;

        List<Instant> attempts =
            app.lines().stream()
                .filter(l -> l.at().isAfter(rejected) && l.at().isBefore(line.at()))
                .filter(l -> l.text().contains(" " + transport + " http") && l.text().contains("-> RECONNECTING (attempt"))
                .map(AppProcess::loggedAt) // the agent's own clock, not when the test read the line
                .collect(Collectors.toList());
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
          gaps.add(Duration.between(attempts.get(i - 1), attempts.get(i)).toMillis());
        }
        System.out.println("AUTH " + transport + " attempts=" + attempts.size() + " gaps_ms=" + gaps);
        assertTrue(attempts.size() >= 4, () -> transport + ": several attempts while rejected\n" + app.dump());
        // The first attempt may follow the failure at once, before the 401 is known; then failed
        // attempts wait for the cap. The last, successful attempt may come early: traffic of the
        // application's own that succeeds is taken as a sign to try at once.
        for (long gap : gaps.subList(1, gaps.size() - 1)) {
          assertTrue(gap >= CAP_SECONDS * 0.9 * 1000 - 100, () -> transport + ": attempts spaced at the cap, got gaps " + gaps + "\n" + app.dump());
        }
        List<String> warnings = app.matching("rejects the application's credentials").stream().filter(l -> l.contains(" " + transport + " http")).collect(Collectors.toList());
        assertEquals(1, warnings.size(), () -> transport + ": exactly one auth warning\n" + app.dump());
      }

      app.awaitExit(Duration.ofSeconds(90));
      Calls.assertAllOkAfter(app, recovered);
      Secrets.assertNoneIn(app);
    }
  }
}
