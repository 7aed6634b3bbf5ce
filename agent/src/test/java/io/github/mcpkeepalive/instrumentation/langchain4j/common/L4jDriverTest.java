package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import io.github.mcpkeepalive.core.FailureKind;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.McpTestServer.Answer;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.McpTestServer.Received;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** L4jDriver on real langchain4j clients of the test's MCP server. */
class L4jDriverTest extends L4jTestBase {

  private static L4jDriver driver(DefaultMcpClient client) throws ReflectiveOperationException {
    Object transport = transportOf(client);
    return new L4jDriver(L4jDriver.kindOf(transport), client, transport, ListCaches.TOOLS);
  }

  // ------------------------------------------------------------------ sessionIdSent

  @Test
  void anSseDriverAlwaysSendsASessionId() throws Exception {
    L4jDriver driver = driver(sseClient());

    assertEquals(L4jDriver.Kind.SSE, driver.kind);
    assertTrue(driver.sessionIdSent(), "the message endpoint carries it");
  }

  @Test
  void aStreamableHttpDriverSendsTheSessionIdTheServerGave() throws Exception {
    L4jDriver driver = driver(streamableClient());

    assertEquals(L4jDriver.Kind.STREAMABLE, driver.kind);
    assertTrue(driver.sessionIdSent());
  }

  @Test
  void aStreamableHttpDriverSendsNoSessionIdWhenTheServerGaveNone() throws Exception {
    server.withoutSessionIds();

    assertFalse(driver(streamableClient()).sessionIdSent());
  }

  // ------------------------------------------------------------------ ping

  @Test
  void aStreamableHttpPingGoesThroughTheTransportWithTheClientsNextId() throws Exception {
    DefaultMcpClient client = streamableClient();
    AtomicLong ids = idsOf(client);
    long next = ids.get();

    JsonNode answer = within(driver(client).ping());

    assertEquals(next, answer.get("id").asLong());
    Received ping = server.takeRequest("ping", DEADLINE);
    assertEquals(next, ping.id());
    assertEquals("POST", ping.httpMethod());
    assertEquals("/mcp?token=SECRET", ping.path(), "the client's own URL");
    assertEquals("s-1", ping.sessionHeader(), "the client's own session");
    assertEquals(next + 1, ids.get(), "the id is the client's: no other request will use it");
    assertTrue(pendingOf(client).isEmpty(), () -> pendingOf(client).toString());
  }

  @Test
  void anSsePingIsAnsweredOnTheClientsStream() throws Exception {
    DefaultMcpClient client = sseClient();
    AtomicLong ids = idsOf(client);
    long next = ids.get();

    JsonNode answer = within(driver(client).ping());

    assertEquals(next, answer.get("id").asLong());
    Received ping = server.takeRequest("ping", DEADLINE);
    assertEquals("/message?sessionId=sse-1", ping.path());
    assertEquals(next + 1, ids.get());
    assertTrue(pendingOf(client).isEmpty(), () -> pendingOf(client).toString());
  }

  @Test
  void aFailedPingReleasesItsId() throws Exception {
    DefaultMcpClient client = streamableClient();
    server.answerNext(Answer.HOLD);

    CompletableFuture<?> ping = driver(client).ping();
    Received held = server.takeRequest("ping", DEADLINE);
    CompletableFuture<?> inFlight = (CompletableFuture<?>) pendingOf(client).get(held.id());
    assertSame(ping, inFlight, "the transport waits for the answer under the ping's id");
    // the transport fails it so when its exchange breaks; done here, on the test thread, so that
    // what the failure sets off has run when the call returns
    inFlight.completeExceptionally(new IOException("HTTP/1.1 header parser received no bytes"));

    assertThrows(ExecutionException.class, () -> within(ping));
    assertTrue(pendingOf(client).isEmpty(), () -> pendingOf(client).toString());
  }

  // ------------------------------------------------------------------ reconnect, abandon

  @Test
  void aStreamableHttpReconnectStartsANewSessionForTheSameClient() throws Exception {
    DefaultMcpClient client = streamableClient();
    L4jDriver driver = driver(client);

    within(driver.reconnect(FailureKind.SESSION_EXPIRED));

    assertEquals(2, server.sessionsStarted());
    assertEquals("s-2", L4jDriver.sessionId(transportOf(client)));
    within(driver.ping());
    assertEquals("s-2", server.takeRequest("ping", DEADLINE).sessionHeader());
  }

  @Test
  void anSseReconnectOpensANewStreamForTheSameClient() throws Exception {
    DefaultMcpClient client = sseClient();
    L4jDriver driver = driver(client);

    within(driver.reconnect(FailureKind.PEER_CLOSED));

    assertEquals(2, server.sessionsStarted());
    within(driver.ping());
    Received ping = server.takeRequest("ping", DEADLINE);
    assertEquals("/message?sessionId=sse-2", ping.path());
  }

  @Test
  void abandonIsHarmlessOnAnIdleDriver() throws Exception {
    Log.setLevel(Log.Level.DEBUG);
    DefaultMcpClient streamable = streamableClient();
    DefaultMcpClient sse = sseClient();
    L4jDriver streamableDriver = driver(streamable);
    L4jDriver sseDriver = driver(sse);

    streamableDriver.abandon();
    sseDriver.abandon();

    assertTrue(log.isEmpty(), log::toString);
    AtomicReference<?> initialization =
        (AtomicReference<?>) L4jRefs.HTTP_INITIALIZATION.get(transportOf(streamable));
    assertNull(initialization.get(), "no initialization started nor failed");
    assertEquals("s-1", L4jDriver.sessionId(transportOf(streamable)));
    assertInstanceOf(JsonNode.class, within(streamableDriver.ping()), "the session still works");
    assertInstanceOf(JsonNode.class, within(sseDriver.ping()), "the stream was not cancelled");
  }

  // ------------------------------------------------------------------ helpers

  private static AtomicLong idsOf(DefaultMcpClient client) throws ReflectiveOperationException {
    return (AtomicLong) L4jRefs.CLIENT_ID_GENERATOR.get(client);
  }

  /** The client's requests waiting for their answer, by id. */
  private static Map<?, ?> pendingOf(DefaultMcpClient client) {
    try {
      return (Map<?, ?>) L4jRefs.CLIENT_PENDING.get(client);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** The outcome of {@code future}, waited for {@link #DEADLINE} at most. */
  private static JsonNode within(CompletableFuture<?> future) throws Exception {
    return (JsonNode) future.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }
}
