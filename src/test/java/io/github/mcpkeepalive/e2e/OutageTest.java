package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A 20 s outage (server down, connections refused): the agent's reconnect attempts back off 1, 2,
 * 4 … s up to {@code backoff_max} (here 5 s), each step visible in the log, and the application's
 * calls succeed again once the server is back.
 */
class OutageTest {

  static final Pattern NEXT = Pattern.compile("attempt (\\d+) failed: .*; next attempt in ([0-9.]+) s\\)");

  @Test
  void backoffStepsAreVisibleAndCappedAndTheAppRecovers() throws Exception {
    try (Rig rig = new Rig(0, 0);
        AppProcess app = AppProcess.start("with-agent", "interval=5,backoff_max=5", ServerRestartTest.APP, rig.appArgs("4s", 12, "3s"))) {
      Calls.awaitFirstOk(app);
      rig.server.stop();
      Await.quiet(Duration.ofSeconds(20)); // the outage
      rig.server.start();
      Instant back = Instant.now();

      Instant recovered = back;
      for (String transport : new String[] {"sse", "streamable"}) {
        AppProcess.Line line =
            app.awaitReconnected(back, transport, Duration.ofSeconds(15));
        System.out.println("OUTAGE " + transport + " reconnected " + Duration.between(back, line.at()).toMillis() + " ms after the server came back");
        assertTrue(Duration.between(back, line.at()).toMillis() <= 5_500 + 1_500, () -> transport + ": recovery within one capped step\n" + app.dump());
        recovered = line.at().isAfter(recovered) ? line.at() : recovered;

        List<Double> steps = new ArrayList<>();
        for (String l : app.matching(" " + transport + " http")) {
          Matcher m = NEXT.matcher(l);
          if (m.find()) {
            steps.add(Double.parseDouble(m.group(2)));
          }
        }
        System.out.println("OUTAGE " + transport + " backoff steps (s) " + steps);
        assertTrue(steps.size() >= 5, () -> transport + ": several attempts during the outage " + steps + "\n" + app.dump());
        double[] base = {1, 2, 4, 5};
        for (int i = 0; i < steps.size(); i++) {
          double expected = base[Math.min(i, base.length - 1)];
          double step = steps.get(i);
          assertTrue(step >= expected * 0.89 && step <= expected * 1.11, "step " + (i + 1) + " of " + steps + " is " + expected + " s ± 10 %");
        }
      }

      app.awaitExit(Duration.ofSeconds(90));
      Calls.assertAllOkAfter(app, recovered);
      Secrets.assertNoneIn(app);
    }
  }
}
