package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.modelcontextprotocol.client.McpAsyncClient;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.SignalType;

/**
 * What the hooks make of the SDK's streams: streamError, sseStreamEnded, getStreamOpening,
 * getStreamEnded.
 */
class SdkHooksStreamTest extends SdkTestBase {

  @Test
  void aCancelledSseStreamIsNotALostConnection() throws Throwable {
    McpAsyncClient client = sseClient();
    Connection c = connected(client);
    Object transport = transportOf(client);
    Object endpointSink = SdkRefs.SSE_ENDPOINT_SINK.get(transport);

    SdkHooks.sseStreamEnded(transport, SignalType.CANCEL);
    scheduler.runDue();

    assertEquals(ConnectionState.CONNECTED, c.state());
    assertSame(endpointSink, SdkRefs.SSE_ENDPOINT_SINK.get(transport));
  }

  @Test
  void anEndedSseStreamIsALostConnectionAndCarriesTheLastStreamError() throws Throwable {
    McpAsyncClient client = sseClient();
    Connection c = connected(client);
    Object transport = transportOf(client);
    IOException cut = new IOException("chunked transfer encoding, state: READING_LENGTH");

    SdkHooks.streamError(transport, cut);
    SdkHooks.sseStreamEnded(transport, SignalType.ON_COMPLETE);
    scheduler.runDue();

    assertEquals(ConnectionState.DISCONNECTED, c.state());
    assertTrue(c.lastError().contains("IOException: " + cut.getMessage()), c.lastError());
    assertNull(driverOf(c).lastStreamError, "the error is spent on the end it explains");
  }

  @Test
  void anSseStreamEndedWithoutAnErrorIsALostConnection() throws Throwable {
    McpAsyncClient client = sseClient();
    Connection c = connected(client);

    SdkHooks.sseStreamEnded(transportOf(client), SignalType.ON_COMPLETE);
    scheduler.runDue();

    assertEquals(ConnectionState.DISCONNECTED, c.state());
    assertEquals("stream ended", c.lastError());
  }

  @Test
  void anOpeningNotificationStreamMakesItsSessionFindTheConnection() throws Throwable {
    McpAsyncClient client = streamableClient();
    Connection c = connected(client);
    Object transport = transportOf(client);

    SdkHooks.getStreamOpening(transport);

    assertSame(c, engine.find(activeSession(transport)));
    assertEquals(1, driverOf(c).openGetStreams());
  }

  @Test
  void aCancelledNotificationStreamIsMarkedClosedWithoutAPing() throws Throwable {
    McpAsyncClient client = streamableClient();
    Connection c = connected(client);
    Object transport = transportOf(client);
    SdkHooks.getStreamOpening(transport);

    SdkHooks.getStreamEnded(activeSession(transport), SignalType.CANCEL);
    scheduler.runDue();

    assertEquals(0, driverOf(c).openGetStreams());
    assertEquals(ConnectionState.CONNECTED, c.state());
    assertEquals(0, c.pingsSent());
  }

  @Test
  void theEndOfAReplacedSessionsNotificationStreamIsIgnored() throws Throwable {
    McpAsyncClient client = streamableClient();
    Connection c = connected(client);
    Object transport = transportOf(client);
    SdkHooks.getStreamOpening(transport);
    Object oldSession = activeSession(transport);
    replaceSession(transport);
    assertNotSame(oldSession, activeSession(transport));

    SdkHooks.getStreamEnded(oldSession, SignalType.ON_COMPLETE);
    scheduler.runDue();

    assertEquals(0, driverOf(c).openGetStreams(), "the new session has no stream yet");
    assertEquals(0, c.pingsSent());
  }

  @Test
  void anEndedNotificationStreamIsCheckedWithAPingAtOnce() throws Throwable {
    McpAsyncClient client = streamableClient();
    Connection c = connected(client);
    Object transport = transportOf(client);
    SdkHooks.getStreamOpening(transport);

    SdkHooks.getStreamEnded(activeSession(transport), SignalType.ON_COMPLETE);
    scheduler.runDue();

    assertEquals(0, driverOf(c).openGetStreams());
    assertEquals(1, c.pingsSent());
  }

  /**
   * The SDK replaces a session by itself (a resumed stream answered 404): the old session's count
   * must not hide the end of the new session's stream.
   */
  @Test
  void theStreamsOfASessionTheSdkReplacedAreCountedAfresh() throws Throwable {
    McpAsyncClient client = streamableClient();
    Connection c = connected(client);
    Object transport = transportOf(client);
    SdkHooks.getStreamOpening(transport);
    Object oldSession = activeSession(transport);
    replaceSession(transport);
    SdkHooks.getStreamEnded(oldSession, SignalType.ON_COMPLETE); // ignored: an old session's
    SdkHooks.getStreamOpening(transport);

    SdkHooks.getStreamEnded(activeSession(transport), SignalType.ON_COMPLETE);
    scheduler.runDue();

    assertEquals(0, driverOf(c).openGetStreams());
    assertEquals(1, c.pingsSent(), "the new session's stream end is checked");
  }

  @Test
  void aStreamResumedBeforeTheOldOneEndedKeepsTheConnectionQuiet() throws Throwable {
    McpAsyncClient client = streamableClient();
    Connection c = connected(client);
    Object transport = transportOf(client);
    SdkHooks.getStreamOpening(transport);
    SdkHooks.getStreamOpening(transport); // the WebClient transport resumes with a new GET first

    SdkHooks.getStreamEnded(activeSession(transport), SignalType.ON_COMPLETE);
    scheduler.runDue();

    assertEquals(1, driverOf(c).openGetStreams());
    assertEquals(0, c.pingsSent());
  }

  /** What the SDK does when the server forgets the session: a fresh session replaces it. */
  @SuppressWarnings("unchecked")
  private static void replaceSession(Object transport) throws Throwable {
    Object fresh = SdkRefs.HTTP_CREATE_SESSION.invoke(transport);
    ((AtomicReference<Object>) SdkRefs.HTTP_ACTIVE_SESSION.get(transport)).set(fresh);
  }
}
