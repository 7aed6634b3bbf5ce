package io.github.mcpkeepalive.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {

  static FailureKind kind(Throwable t) {
    return FailureClassifier.classify(t, false);
  }

  @Test
  void peerClosedStreamsAreRecognizedByTypeAndByTheMessagesClientsUse() {
    assertEquals(FailureKind.PEER_CLOSED, kind(new EOFException("EOF reached while reading")));
    assertEquals(
        FailureKind.PEER_CLOSED,
        kind(new IOException("chunked transfer encoding, state: READING_LENGTH")));
    assertEquals(
        FailureKind.PEER_CLOSED, kind(new IOException("HTTP/1.1 header parser received no bytes")));
    assertEquals(
        FailureKind.PEER_CLOSED,
        kind(new IOException("peer closed connection without sending complete message body")));
    assertEquals(
        FailureKind.PEER_CLOSED, kind(new IOException("unexpected end of stream on http://x")));
  }

  @Test
  void resetUnreachableAndTimeout() {
    assertEquals(FailureKind.RESET, kind(new SocketException("Connection reset")));
    assertEquals(FailureKind.RESET, kind(new IOException("Broken pipe")));
    assertEquals(FailureKind.UNREACHABLE, kind(new ConnectException()));
    assertEquals(FailureKind.UNREACHABLE, kind(new UnknownHostException("mcp.invalid")));
    assertEquals(FailureKind.TIMEOUT, kind(new TimeoutException()));
    assertEquals(FailureKind.TIMEOUT, kind(new HttpTimeoutException("request timed out")));
    assertEquals(
        FailureKind.TIMEOUT,
        kind(new RuntimeException("Did not observe any item or terminal signal within 3000ms")));
    assertEquals(FailureKind.OTHER, kind(new IllegalStateException("something else")));
    assertEquals(FailureKind.OTHER, kind(null));
  }

  @Test
  void httpStatusesDecideSessionExpiryAndAuth() {
    assertEquals(
        FailureKind.SESSION_EXPIRED,
        kind(new RuntimeException("Server responded with HTTP status code 404")));
    assertEquals(
        FailureKind.OTHER,
        kind(new RuntimeException("Server responded with HTTP status code 400")),
        "400 without a session id is a bad request");
    assertEquals(
        FailureKind.SESSION_EXPIRED,
        FailureClassifier.classify(new RuntimeException("HTTP 400 Bad Request"), true),
        "400 to a request that carried a session id");
    assertEquals(
        FailureKind.AUTH,
        kind(new RuntimeException("Failed to connect to SSE stream: 401, response body: {}")));
    assertEquals(FailureKind.AUTH, kind(new RuntimeException("status: 403")));
    assertEquals(-1, FailureClassifier.httpStatus("took 404 ms"), "a number that is no status");
  }

  /** Spring WebClient's errors name the status first; its 403 type is {@code ...$Forbidden}. */
  @Test
  void springWebClientStatusesAreRead() {
    assertEquals(
        FailureKind.SESSION_EXPIRED,
        kind(new RuntimeException("404 Not Found from POST http://127.0.0.1:1/mcp")));
    assertEquals(
        FailureKind.AUTH,
        kind(new RuntimeException("401 Unauthorized from GET http://127.0.0.1:1/sse")));
    assertEquals(FailureKind.AUTH, kind(new Forbidden()));
    assertEquals(-1, FailureClassifier.httpStatus("200 requests from GET handlers took 3 s long"));
    assertEquals(
        FailureKind.PEER_CLOSED,
        kind(new IOException("Connection prematurely closed DURING response")));
  }

  /** Named as Spring's {@code WebClientResponseException.Forbidden}. */
  private static final class Forbidden extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Forbidden() {
      super("forbidden");
    }
  }

  @Test
  void theWholeCauseChainIsWalkedAndTheMostTellingCauseWins() {
    Throwable wrapped =
        new CompletionException(
            new RuntimeException("request failed", new EOFException("EOF reached while reading")));
    assertEquals(FailureKind.PEER_CLOSED, kind(wrapped));
    Throwable timeoutOverAuth = new TimeoutException("timeout");
    timeoutOverAuth.initCause(new RuntimeException("HTTP 401"));
    assertEquals(FailureKind.AUTH, kind(timeoutOverAuth));
    RuntimeException loop = new RuntimeException("outer");
    RuntimeException inner = new RuntimeException("inner", loop);
    loop.initCause(inner);
    assertEquals(FailureKind.OTHER, kind(loop), "a cause cycle ends");
  }

  /** Stands for the MCP SDK's McpError: an answer of the server, whatever its message says. */
  static final class McpError extends RuntimeException {
    McpError(String message) {
      super(message);
    }
  }

  @Test
  void onlyAFailureToConnectProvesThatARequestWasNeverSent() {
    assertTrue(
        FailureClassifier.neverSent(
            new RuntimeException(new java.net.ConnectException("Connection refused"))));
    assertTrue(FailureClassifier.neverSent(new java.net.UnknownHostException("mcp.example")));
    assertFalse(
        FailureClassifier.neverSent(new RuntimeException("upstream: Connection refused")),
        "a message is no proof");
    assertFalse(
        FailureClassifier.neverSent(
            new RuntimeException(new McpError("database: Connection refused"))),
        "the server answered");
    assertFalse(FailureClassifier.neverSent(new java.io.EOFException("EOF reached")));
  }

  @Test
  void a503FromATransportIsARequestTheServerDidNotProcess() {
    assertTrue(
        FailureClassifier.notProcessed(
            new RuntimeException("Received unexpected status code: 503, response body: busy")));
    assertTrue(
        FailureClassifier.notProcessed(
            new RuntimeException(new RuntimeException("Unexpected status code: 503"))));
    assertTrue(
        FailureClassifier.notProcessed(
            new RuntimeException("503 Service Unavailable from POST http://host/mcp")));
    assertTrue(
        FailureClassifier.notProcessed(new RuntimeException(new ConnectException("refused"))));
  }

  @Test
  void otherStatusesAndAnMcpErrorQuoting503MayHaveBeenProcessed() {
    assertFalse(
        FailureClassifier.notProcessed(
            new RuntimeException("Received unexpected status code: 500, response body: x")));
    assertFalse(
        FailureClassifier.notProcessed(new RuntimeException("Unexpected status code: 502")));
    assertFalse(FailureClassifier.notProcessed(new McpError("upstream said status 503")));
    assertFalse(
        FailureClassifier.notProcessed(
            new RuntimeException(new McpError("upstream said status 503"))));
  }
}
