package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A langchain4j-mcp 1.11.0-beta19 application: DefaultMcpClient over HTTP+SSE (OkHttp) and
 * Streamable HTTP.
 */
class Langchain4jTest implements StreamScenarios, RecoveryScenarios {

  @Override
  public ClientApp app() {
    return ClientApp.LANGCHAIN4J;
  }

  /**
   * A restarted server that answers 400 (not 404) for the old session: langchain4j alone re-creates
   * the session only on 404, so its next calls fail until its 30 s health check, or forever with
   * the health check off. With the agent the 400 is handled like a 404: the call that meets it
   * succeeds.
   */
  @Test
  void aServerAnswering400ForAForgottenSessionIsHandledLike404() throws Exception {
    try (Rig rig = new Rig(0, 0);
        AppProcess app = app().start("restart-400", "interval=5", rig, "3s", 8, "5s")) {
      rig.server.setUnknownSessionAs400(true);
      app.await(
          l -> l.startsWith("CALL ") && l.contains("server=http n=2 ok"),
          Duration.ofSeconds(90),
          "call 2");
      rig.server.restart(); // between two calls: the client learns of it from its next request
      Instant back = Instant.now();

      app.awaitExit(Duration.ofSeconds(90));
      List<Calls.Call> after =
          Calls.of(app, "http").stream()
              .filter(c -> c.start().isAfter(back))
              .collect(Collectors.toList());
      assertFalse(after.isEmpty(), app::dump);
      assertEquals(
          List.of(),
          after.stream().filter(c -> !c.ok()).collect(Collectors.toList()),
          () -> "every call after the restart succeeds\n" + app.dump());
      assertEquals(
          1,
          app.matching("streamable http").stream()
              .filter(l -> l.contains("server answered HTTP 400 for the session"))
              .count(),
          () -> "the 400 was met and handled once\n" + app.dump());
      Secrets.assertNoneIn(app);
    }
  }
}
