package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import static io.github.mcpkeepalive.instrumentation.WovenLoader.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.FailureKind;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.instrumentation.WovenLoader;
import io.github.mcpkeepalive.instrumentation.langchain4j.Langchain4jInstrumentation;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.McpTestServer.Answer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Initializations of a Streamable HTTP client that meet, on the real langchain4j-mcp 1.11 woven as
 * the agent weaves it (the race sits inside the library: after a 404 its transport sends again the
 * initialize request it stored last, with the same id). Whichever starts second joins the one under
 * way: one initialize reaches the server, and both the agent's attempt and the request that met the
 * 404 end as soon as it is answered, well within the client's initialization timeout.
 */
class WovenInitializationTest extends L4jTestBase {

  /** Far below the client's initialization timeout ({@link #DEADLINE}), which an orphan waits. */
  private static final long PROMPT_SECONDS = 5;

  private WovenLoader loader;
  private Object client;
  private Object transport;
  private L4jDriver driver;

  @BeforeEach
  void wovenClient() throws Exception {
    Log.setLevel(Log.Level.DEBUG);
    // langchain4j-mcp of the test class path, defined again by a loader of its own and woven
    loader =
        new WovenLoader(
            Langchain4jInstrumentation.INSTANCE,
            "dev.langchain4j.mcp.",
            getClass().getClassLoader(),
            DefaultMcpClient.class);
    transport =
        loader.build(
            "dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport",
            "url",
            server.url("/mcp"));
    Object builder = loader.type(L4jRefs.CLIENT).getMethod("builder").invoke(null);
    call(builder, "transport", transport);
    call(builder, "initializationTimeout", DEADLINE);
    client = call(builder, "build"); // the woven constructor registers it
    Connection c = engine.find(client);
    assertNotNull(c, "the woven constructor registered the client");
    driver = driverOf(c);
    assertEquals(1, server.received("initialize"));
  }

  @AfterEach
  void closeWovenClient() throws Exception {
    if (client != null) {
      call(client, "close");
    }
    if (loader != null) {
      loader.close();
    }
  }

  @Test
  void aRequestMeetingA404DuringTheAgentsInitializationJoinsIt() throws Exception {
    server.answerNext(Answer.NOT_FOUND);
    CountDownLatch listAnswered = server.holdNext("tools/list");
    CountDownLatch initializeAnswered = server.holdNext("initialize");
    CompletableFuture<?> list = listTools(100); // sent before the agent's attempt: it meets the 404
    server.takeRequest("tools/list", DEADLINE);

    CompletableFuture<?> attempt = driver.reconnect(FailureKind.SESSION_EXPIRED);
    server.takeRequest("initialize", DEADLINE);
    listAnswered.countDown(); // 404: the transport initializes again, with the agent's request
    waitFor(() -> joined() || server.received("initialize") > 2);
    initializeAnswered.countDown();

    prompt(attempt);
    assertEquals(100L, ((JsonNode) prompt(list)).get("id").asLong());
    assertEquals(2, server.received("initialize"), "one initialize for the attempt and the 404");
    assertEquals(2, server.received("tools/list"), "the request, and once more in the session");
    assertTrue(log.stream().noneMatch(l -> l.contains("WARN")), String.join("\n", log));
  }

  @Test
  void theAgentsAttemptJoinsAnInitializationThatA404Started() throws Exception {
    server.answerNext(Answer.NOT_FOUND);
    CountDownLatch initializeAnswered = server.holdNext("initialize");
    CompletableFuture<?> list = listTools(100);
    server.takeRequest("initialize", DEADLINE); // the transport's own, after the 404

    CompletableFuture<?> attempt = driver.reconnect(FailureKind.SESSION_EXPIRED);
    waitFor(() -> joined() || server.received("initialize") > 2);
    initializeAnswered.countDown();

    prompt(attempt);
    assertEquals(100L, ((JsonNode) prompt(list)).get("id").asLong());
    assertEquals(2, server.received("initialize"), "the attempt started no second session");
  }

  @Test
  void anInitializationAfterTheLastEndedGoesOut() throws Exception {
    prompt(driver.reconnect(FailureKind.SESSION_EXPIRED));
    prompt(driver.reconnect(FailureKind.SESSION_EXPIRED));

    assertEquals(3, server.received("initialize"));
    assertEquals("s-3", L4jDriver.sessionId(transport));
  }

  @Test
  void aFailedInitializationIsNotJoinedByTheNext() throws Exception {
    CountDownLatch initializeAnswered = server.holdNext("initialize");
    CompletableFuture<?> attempt = driver.reconnect(FailureKind.SESSION_EXPIRED);
    // the attempt's own initialize (the constructor's is still in the server's queue of requests)
    waitFor(() -> server.received("initialize") == 2);
    driver.abandon(); // the attempt timed out: its initialization ends with it
    initializeAnswered.countDown();
    waitFor(attempt::isDone);
    assertNull(pendingInitialization(), "requests would wait for the abandoned initialization");

    prompt(driver.reconnect(FailureKind.SESSION_EXPIRED));

    assertEquals(3, server.received("initialize"));
  }

  /**
   * Abandoned as soon as started, whichever step it reached by then (not started, started but not
   * sent yet, sent but not stored, stored): the attempt ends, leaves no initialization behind that
   * requests would wait for or the next attempt join, and the next attempt sends its own.
   */
  @Test
  void anAttemptAbandonedAtAnyStepLeavesNothingBehind() throws Exception {
    CountDownLatch initializeAnswered = server.holdNext("initialize");
    CompletableFuture<?> attempt = driver.reconnect(FailureKind.SESSION_EXPIRED);
    driver.abandon();
    initializeAnswered.countDown();
    waitFor(attempt::isDone);
    assertTrue(attempt.isCompletedExceptionally(), "abandoned before any answer");
    assertNull(pendingInitialization(), "requests would wait for the abandoned initialization");
    int before = server.received("initialize");

    prompt(driver.reconnect(FailureKind.SESSION_EXPIRED));

    assertFalse(joined(), "the next attempt joined what the abandoned one left");
    assertTrue(server.received("initialize") > before, "the next attempt sent its own");
  }

  /** The transport's initialization under way, which its requests wait for first; or null. */
  private Object pendingInitialization() throws ReflectiveOperationException {
    Object f = ((AtomicReference<?>) L4jRefs.HTTP_INITIALIZATION.get(transport)).get();
    return f instanceof CompletableFuture && !((CompletableFuture<?>) f).isDone() ? f : null;
  }

  private boolean joined() {
    return log.stream().anyMatch(l -> l.contains("joins it instead of sending a second"));
  }

  /** A tools/list request of the application, sent through the woven transport. */
  private CompletableFuture<?> listTools(long id) throws Exception {
    Object message =
        loader
            .type("dev.langchain4j.mcp.protocol.McpListToolsRequest")
            .getConstructor(Long.class)
            .newInstance(id);
    Class<?> contextType = loader.type("dev.langchain4j.mcp.client.McpCallContext");
    Object context = contextType.getConstructors()[0].newInstance(null, message);
    return (CompletableFuture<?>) call(transport, "executeOperationWithResponse", context);
  }

  /** The outcome of {@code future}, which must come well before the initialization timeout. */
  private static Object prompt(CompletableFuture<?> future) throws Exception {
    try {
      return future.get(PROMPT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("still waiting after " + PROMPT_SECONDS + " s", e);
    } catch (ExecutionException e) {
      throw new AssertionError("failed", e.getCause());
    }
  }

  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not so within " + DEADLINE);
      }
      Thread.sleep(5); // polling a condition, with a deadline
    }
  }
}
