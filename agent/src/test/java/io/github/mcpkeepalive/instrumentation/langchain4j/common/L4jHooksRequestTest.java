package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpCallContext;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.protocol.McpInitializeRequest;
import dev.langchain4j.mcp.protocol.McpListToolsRequest;
import dev.langchain4j.mcp.protocol.McpPingRequest;
import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.McpTestServer.Answer;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.McpTestServer.Received;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the hooks do with the requests of the application: requestSent (a broken connection is
 * checked at once; a legacy SSE request that finds the session gone is sent again in a new one) and
 * responseStatus (a Streamable HTTP 400 for a known session is a 404, once).
 */
class L4jHooksRequestTest extends L4jTestBase {

  // ------------------------------------------------------------------ requestSent

  @Test
  void pingsAndInitializationsAreReturnedUnchanged() throws Exception {
    Object transport = transportOf(streamableClientConnected());
    CompletableFuture<Object> answer = new CompletableFuture<>();

    Object ping = L4jHooks.requestSent(transport, context(new McpPingRequest(7L)), 0, answer);
    Object init = L4jHooks.requestSent(transport, context(new McpInitializeRequest(8L)), 0, answer);
    Object list = L4jHooks.requestSent(transport, context(new McpListToolsRequest(9L)), 0, answer);

    assertSame(answer, ping);
    assertSame(answer, init);
    assertNotSame(answer, list, "the control: a request of the application is watched");
  }

  @Test
  void aRequestOfAnUnmanagedClientIsReturnedUnchanged() throws Exception {
    Object transport = transportOf(streamableClient()); // never discovered
    CompletableFuture<Object> answer = new CompletableFuture<>();

    Object list = L4jHooks.requestSent(transport, context(new McpListToolsRequest(9L)), 0, answer);

    assertSame(answer, list);
  }

  @Test
  void anAnsweredRequestYieldsItsAnswer() throws Exception {
    McpTransport transport = (McpTransport) transportOf(streamableClientConnected());
    McpCallContext request = context(new McpListToolsRequest(100L));

    CompletableFuture<JsonNode> answer = transport.executeOperationWithResponse(request);
    Object watched = L4jHooks.requestSent(transport, request, scheduler.nanoTime(), answer);

    assertSame(within(answer), within(watched));
    assertEquals(100L, within(answer).get("id").asLong());
  }

  @Test
  void aRequestFailingWithABrokenConnectionMakesTheEngineCheckTheConnection() throws Exception {
    DefaultMcpClient client = streamableClient();
    Connection c = connected(client);
    McpTransport transport = (McpTransport) transportOf(client);
    McpCallContext request = context(new McpListToolsRequest(100L));
    server.answerNext(Answer.CUT);

    CompletableFuture<JsonNode> answer = transport.executeOperationWithResponse(request);
    Object watched = L4jHooks.requestSent(transport, request, scheduler.nanoTime(), answer);

    Throwable cut = failureOf(answer);
    assertSame(cut, failureOf(watched), "the application sees the failure as it was");
    scheduler.runDue();
    assertEquals(1, c.pingsSent(), "the agent checks the connection with a ping at once");
    assertTrue(
        logged(Log.Level.INFO).stream()
            .anyMatch(l -> l.startsWith(c.label() + ": a request of the application failed")),
        log::toString);
  }

  @Test
  void aRequestFailingOtherwiseIsNoReasonToCheckTheConnection() throws Exception {
    DefaultMcpClient client = streamableClient();
    Connection c = connected(client);
    McpTransport transport = (McpTransport) transportOf(client);
    McpCallContext request = context(new McpListToolsRequest(100L));
    server.answerNext(Answer.SERVER_ERROR);

    CompletableFuture<JsonNode> answer = transport.executeOperationWithResponse(request);
    Object watched = L4jHooks.requestSent(transport, request, scheduler.nanoTime(), answer);

    Throwable error = failureOf(answer);
    assertTrue(error.getMessage().contains("500"), error::toString);
    assertSame(error, failureOf(watched));
    scheduler.runDue();
    assertEquals(0, c.pingsSent());
    assertEquals(ConnectionState.CONNECTED, c.state());
  }

  @Test
  void anSseRequestThatFindsTheSessionGoneIsSentAgainInANewSession() throws Exception {
    DefaultMcpClient client = sseClient();
    Connection c = connected(client);
    McpTransport transport = (McpTransport) transportOf(client);
    McpCallContext request = context(new McpListToolsRequest(100L));
    server.forgetSessions(); // the server restarted

    CompletableFuture<JsonNode> answer = transport.executeOperationWithResponse(request);
    Object watched = L4jHooks.requestSent(transport, request, scheduler.nanoTime(), answer);
    assertTrue(failureOf(answer).getMessage().contains("404"), () -> failureOf(answer).toString());
    scheduler.runDueWhenHandedOver(DEADLINE); // the session is lost: disconnected, reconnect now
    assertEquals(ConnectionState.DISCONNECTED, c.state());
    scheduler.runDue(); // the reconnect runs the client's initialize on a worker thread
    scheduler.runDueWhenHandedOver(DEADLINE); // its outcome: connected, the request sent again

    JsonNode second = assertInstanceOf(JsonNode.class, within(watched));
    assertEquals(100L, second.get("id").asLong());
    assertEquals(ConnectionState.CONNECTED, c.state());
    assertEquals(1, c.reconnectsSucceeded());
    Received first = server.takeRequest("tools/list", DEADLINE);
    Received again = server.takeRequest("tools/list", DEADLINE);
    assertTrue(first.path().endsWith("sessionId=sse-1"), first::toString);
    assertTrue(again.path().endsWith("sessionId=sse-2"), again::toString);
  }

  /**
   * The resend rule: a request refused at connect never reached the server; the refusal starts a
   * reconnect at once and the request goes out once more in the restored session.
   */
  @Test
  void aRequestRefusedAtConnectIsSentOnceMoreAfterTheReconnectItStarts() throws Exception {
    DefaultMcpClient client = sseClient();
    Connection c = connected(client);
    McpTransport transport = (McpTransport) transportOf(client);
    McpCallContext request = context(new McpListToolsRequest(100L));
    CompletableFuture<Object> refused = new CompletableFuture<>();
    refused.completeExceptionally(new java.net.ConnectException("Connection refused"));

    Object watched = L4jHooks.requestSent(transport, request, scheduler.nanoTime(), refused);
    scheduler.runUntil(((CompletableFuture<?>) watched)::isDone, DEADLINE);

    JsonNode answer = assertInstanceOf(JsonNode.class, within(watched));
    assertEquals(100L, answer.get("id").asLong());
    assertEquals(1, c.reconnectsSucceeded(), "the refusal started a reconnect");
    Received sent = server.takeRequest("tools/list", DEADLINE);
    assertTrue(sent.path().endsWith("sessionId=sse-2"), "sent in the new session: " + sent);
  }

  /**
   * The resend rule: a 503 says the server did not process the request (a proxy while the server
   * restarts); it starts a reconnect at once and the request goes out once more in the new session.
   */
  @Test
  void aRequestAnswered503IsSentOnceMoreAfterTheReconnectItStarts() throws Exception {
    DefaultMcpClient client = streamableClient();
    Connection c = connected(client);
    McpTransport transport = (McpTransport) transportOf(client);
    McpCallContext request = context(new McpListToolsRequest(100L));
    CompletableFuture<Object> unavailable = new CompletableFuture<>();
    unavailable.completeExceptionally(new RuntimeException("Unexpected status code: 503"));

    Object watched = L4jHooks.requestSent(transport, request, scheduler.nanoTime(), unavailable);
    scheduler.runUntil(((CompletableFuture<?>) watched)::isDone, DEADLINE);

    JsonNode answer = assertInstanceOf(JsonNode.class, within(watched));
    assertEquals(100L, answer.get("id").asLong());
    assertEquals(1, c.reconnectsSucceeded(), "the 503 started a reconnect");
    assertEquals("s-2", server.takeRequest("tools/list", DEADLINE).sessionHeader());
  }

  /** A 500 may come from a server that processed the request: it fails as it is. */
  @Test
  void aRequestAnswered500IsNotSentAgain() throws Exception {
    DefaultMcpClient client = streamableClient();
    Connection c = connected(client);
    McpTransport transport = (McpTransport) transportOf(client);
    CompletableFuture<Object> failed = new CompletableFuture<>();
    RuntimeException status500 = new RuntimeException("Unexpected status code: 500");
    failed.completeExceptionally(status500);

    Object watched =
        L4jHooks.requestSent(
            transport, context(new McpListToolsRequest(100L)), scheduler.nanoTime(), failed);

    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> ((CompletableFuture<?>) watched).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
    assertSame(status500, e.getCause());
    assertEquals(0, c.reconnectsAttempted());
  }

  // ------------------------------------------------------------------ requestStarting

  @Test
  void aRequestOnAConnectionThatIsUpGoesOutAsUsual() throws Exception {
    Object transport = transportOf(streamableClientConnected());

    assertEquals(null, L4jHooks.requestStarting(transport, context(new McpListToolsRequest(9L))));
  }

  @Test
  void aRequestWhileTheConnectionIsDownWaitsForAnAttemptAndGoesOutInTheNewSession()
      throws Exception {
    DefaultMcpClient client = sseClient();
    Connection c = connected(client);
    McpTransport transport = (McpTransport) transportOf(client);
    server.forgetSessions(); // the server restarted; the agent found out with a ping
    engine.onSessionLost(c, new java.io.IOException("session gone"), scheduler.nanoTime());
    scheduler.runDueWhenHandedOver(DEADLINE);
    assertEquals(ConnectionState.DISCONNECTED, c.state());
    McpCallContext request = context(new McpListToolsRequest(100L));

    Object ping = L4jHooks.requestStarting(transport, context(new McpPingRequest(7L)));
    Object takenOver = L4jHooks.requestStarting(transport, request);

    assertEquals(null, ping, "the agent's own requests are never held");
    scheduler.runDue(); // the attempt runs the client's initialize on a worker thread
    scheduler.runDueWhenHandedOver(DEADLINE); // connected: the request goes out
    JsonNode answer = assertInstanceOf(JsonNode.class, within(takenOver));
    assertEquals(100L, answer.get("id").asLong());
    assertEquals(ConnectionState.CONNECTED, c.state());
    Received sent = server.takeRequest("tools/list", DEADLINE);
    assertTrue(sent.path().endsWith("sessionId=sse-2"), "sent once, in the new session: " + sent);
  }

  @Test
  void aRequestWhoseAttemptFailsFailsOnceSayingWhyAndIsNeverSent() throws Exception {
    DefaultMcpClient client = sseClient();
    Connection c = connected(client);
    McpTransport transport = (McpTransport) transportOf(client);
    engine.onSessionLost(c, new java.io.IOException("session gone"), scheduler.nanoTime());
    scheduler.runDueWhenHandedOver(DEADLINE);
    server.close(); // the server is gone for good: the attempt fails

    Object takenOver = L4jHooks.requestStarting(transport, context(new McpListToolsRequest(100L)));
    scheduler.runDue();
    scheduler.runUntil(((CompletableFuture<?>) takenOver)::isDone, DEADLINE);

    Throwable failure = failureOf(takenOver);
    assertInstanceOf(java.io.IOException.class, failure);
    assertTrue(
        failure
            .getMessage()
            .startsWith(
                "the connection to the MCP server is down and the reconnect attempt made for this request failed"),
        failure::toString);
    assertTrue(failure.getMessage().endsWith("the request was not sent"), failure::toString);
    assertEquals(ConnectionState.DISCONNECTED, c.state());
  }

  // ------------------------------------------------------------------ responseStatus

  @Test
  void a400ForTheSessionTheClientSentIsSeenAs404() throws Exception {
    DefaultMcpClient client = streamableClient();
    Connection c = connected(client);
    HttpResponse.ResponseInfo info = responseInfo(Answer.BAD_REQUEST);

    Object seen =
        L4jHooks.responseStatus(
            transportOf(client), context(new McpListToolsRequest(5L)), false, info);

    SessionGoneResponse gone = assertInstanceOf(SessionGoneResponse.class, seen);
    assertEquals(404, gone.statusCode());
    assertSame(info.headers(), gone.headers());
    assertEquals(info.version(), gone.version());
    assertTrue(
        logged(Log.Level.INFO)
            .contains(
                c.label()
                    + ": server answered HTTP 400 for the session (expired, e.g. after a restart);"
                    + " starting a new session and sending the request again"),
        log::toString);
  }

  @Test
  void a400ToTheRequestSentAgainStaysA400() throws Exception {
    DefaultMcpClient client = streamableClient();
    connected(client);
    HttpResponse.ResponseInfo info = responseInfo(Answer.BAD_REQUEST);

    Object seen =
        L4jHooks.responseStatus(
            transportOf(client), context(new McpListToolsRequest(5L)), true, info);

    assertSame(info, seen);
  }

  @Test
  void a400ToAnInitializationStaysA400() throws Exception {
    DefaultMcpClient client = streamableClient();
    connected(client);
    HttpResponse.ResponseInfo info = responseInfo(Answer.BAD_REQUEST);

    Object seen =
        L4jHooks.responseStatus(
            transportOf(client), context(new McpInitializeRequest(5L)), false, info);

    assertSame(info, seen);
  }

  @Test
  void a400WhenTheServerGaveNoSessionIdStaysA400() throws Exception {
    server.withoutSessionIds();
    DefaultMcpClient client = streamableClient();
    connected(client);
    HttpResponse.ResponseInfo info = responseInfo(Answer.BAD_REQUEST);

    Object seen =
        L4jHooks.responseStatus(
            transportOf(client), context(new McpListToolsRequest(5L)), false, info);

    assertSame(info, seen);
  }

  @Test
  void otherStatusesAndUnmanagedClientsKeepTheirAnswer() throws Exception {
    Object managed = transportOf(streamableClientConnected());
    Object unmanaged = transportOf(streamableClient());
    McpCallContext request = context(new McpListToolsRequest(5L));
    HttpResponse.ResponseInfo notFound = responseInfo(Answer.NOT_FOUND);
    HttpResponse.ResponseInfo serverError = responseInfo(Answer.SERVER_ERROR);
    HttpResponse.ResponseInfo badRequest = responseInfo(Answer.BAD_REQUEST);

    assertSame(notFound, L4jHooks.responseStatus(managed, request, false, notFound));
    assertSame(serverError, L4jHooks.responseStatus(managed, request, false, serverError));
    assertSame(badRequest, L4jHooks.responseStatus(unmanaged, request, false, badRequest));
  }

  // ------------------------------------------------------------------ helpers

  private DefaultMcpClient streamableClientConnected() {
    DefaultMcpClient client = streamableClient();
    connected(client);
    return client;
  }

  /** The outcome of {@code future}, waited for {@link #DEADLINE} at most. */
  private static JsonNode within(Object future) throws Exception {
    Object value = ((CompletableFuture<?>) future).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    return (JsonNode) value;
  }

  /** The failure {@code future} completes with, waited for {@link #DEADLINE} at most. */
  private static Throwable failureOf(Object future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> within(future));
    return e.getCause();
  }
}
