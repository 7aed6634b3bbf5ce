package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;

/** Scenario (e): no secret of the application appears in the agent's output. */
final class Secrets {

  private Secrets() {}

  static void assertNoneIn(AppProcess app) {
    List<String> agent = app.agentLines();
    assertTrue(!agent.isEmpty(), "the agent logged something");
    List<String> leaks =
        agent.stream()
            .filter(
                l ->
                    l.contains(Rig.TOKEN)
                        || l.contains(Rig.QUERY_SECRET)
                        || l.contains("sessionId=")
                        || l.toLowerCase().contains("bearer "))
            .collect(Collectors.toList());
    assertTrue(leaks.isEmpty(), () -> "secrets in agent output: " + leaks);
  }
}
