package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.FailureClassifier;
import io.github.mcpkeepalive.core.FailureKind;
import io.github.mcpkeepalive.core.Log;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpTransportSession;
import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** SdkDriver on real SDK clients, of a server that is not there. */
class SdkDriverTest extends SdkTestBase {

  private static SdkDriver driver(SdkTransport.Kind kind, McpAsyncClient client)
      throws ReflectiveOperationException {
    return new SdkDriver(
        kind == SdkTransport.Kind.SSE ? HttpClientTransports.SSE : HttpClientTransports.STREAMABLE,
        client,
        transportOf(client),
        initializerOf(client));
  }

  @Test
  void anSseDriverAlwaysSendsASessionId() throws Exception {
    assertTrue(driver(SdkTransport.Kind.SSE, sseClient()).sessionIdSent());
  }

  @Test
  void aStreamableHttpDriverSendsNoSessionIdBeforeTheServerGivesOne() throws Exception {
    assertFalse(driver(SdkTransport.Kind.STREAMABLE, streamableClient()).sessionIdSent());
  }

  @Test
  void aStreamableHttpDriverSendsTheSessionIdTheServerGave() throws Throwable {
    McpAsyncClient client = streamableClient();
    SdkDriver driver = driver(SdkTransport.Kind.STREAMABLE, client);

    ((McpTransportSession<?>) activeSession(transportOf(client))).markInitialized("s-1");

    assertTrue(driver.sessionIdSent());
  }

  @Test
  void noInitializationIsInFlightOnAFreshClient() throws Throwable {
    assertFalse(SdkDriver.initializationInFlight(initializerOf(sseClient())));
  }

  @Test
  void reconnectingAnSseClientDisposesItsStreamAndGivesItAFreshEndpointSink() throws Throwable {
    McpAsyncClient client = sseClient();
    Object transport = transportOf(client);
    Disposable stream = Mono.never().subscribe();
    subscriptionOf(transport).set(stream);
    Object endpointSink = SdkRefs.SSE_ENDPOINT_SINK.get(transport);

    driver(SdkTransport.Kind.SSE, client).reconnect(FailureKind.PEER_CLOSED);

    assertTrue(stream.isDisposed(), "the old stream is disposed");
    assertNotSame(stream, subscriptionOf(transport).get());
    Object fresh = SdkRefs.SSE_ENDPOINT_SINK.get(transport);
    assertNotSame(endpointSink, fresh);
    assertInstanceOf(Sinks.One.class, fresh);
  }

  @Test
  void reconnectingAnSseClientWithNoServerFails() throws Exception {
    SdkDriver driver = driver(SdkTransport.Kind.SSE, sseClient());

    CompletableFuture<?> attempt = driver.reconnect(FailureKind.PEER_CLOSED);

    assertThrows(ExecutionException.class, () -> within(attempt));
  }

  @Test
  void abandonIsHarmlessOnAFreshClient() throws Throwable {
    Log.setLevel(Log.Level.DEBUG);
    McpAsyncClient client = sseClient();

    driver(SdkTransport.Kind.SSE, client).abandon();

    AtomicReference<?> initialization =
        (AtomicReference<?>) SdkRefs.INITIALIZATION_REF.get(initializerOf(client));
    assertNull(initialization.get(), "no initialization started");
    assertFalse(client.isInitialized());
    assertTrue(log.isEmpty(), log::toString);
  }

  @Test
  void replacingTheEndpointSinkFailsTheRequestsWaitingForItWithAnIoExceptionNamingTheCause()
      throws Throwable {
    McpAsyncClient client = sseClient();
    Object transport = transportOf(client);
    Sinks.One<?> endpointSink = (Sinks.One<?>) SdkRefs.SSE_ENDPOINT_SINK.get(transport);
    CompletableFuture<?> waiting = endpointSink.asMono().toFuture();
    EOFException cause = new EOFException("EOF reached while reading");

    driver(SdkTransport.Kind.SSE, client).replaceEndpointSink(transport, cause);

    ExecutionException e = assertThrows(ExecutionException.class, () -> within(waiting));
    IOException failure = assertInstanceOf(IOException.class, e.getCause());
    assertTrue(failure.getMessage().contains("EOF reached while reading"), failure.getMessage());
    assertSame(cause, failure.getCause());
  }

  @Test
  void replacingTheEndpointSinkLeavesAFreshOneForTheNextEndpointEvent() throws Throwable {
    McpAsyncClient client = sseClient();
    Object transport = transportOf(client);
    Object endpointSink = SdkRefs.SSE_ENDPOINT_SINK.get(transport);

    driver(SdkTransport.Kind.SSE, client).replaceEndpointSink(transport, null);

    Object fresh = SdkRefs.SSE_ENDPOINT_SINK.get(transport);
    assertNotSame(endpointSink, fresh);
    assertInstanceOf(Sinks.One.class, fresh);
  }

  /** The outcome of {@code future}, waited for {@link #DEADLINE} at most. */
  private static Object within(CompletableFuture<?> future) throws Exception {
    return future.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  @SuppressWarnings("unchecked")
  private static AtomicReference<Disposable> subscriptionOf(Object sseTransport)
      throws ReflectiveOperationException {
    return (AtomicReference<Disposable>) SdkRefs.SSE_SUBSCRIPTION.get(sseTransport);
  }

  @Test
  void aFailureAfterTheServerRejectedTheCredentialsNamesTheStatus() throws Exception {
    SdkDriver driver = driver(SdkTransport.Kind.STREAMABLE, streamableClient());
    RuntimeException unnamed =
        new RuntimeException(
            "Failed to send message: AggregateResponseEvent[responseInfo=ResponseInfoImpl@1a2b]");
    long before = System.nanoTime();
    assertSame(
        unnamed, driver.withStatus(unnamed, before), "no rejection seen: the error as it was");

    driver.rejected(401);

    Throwable named = driver.withStatus(unnamed, before);
    assertSame(unnamed, named.getCause());
    assertEquals(FailureKind.AUTH, FailureClassifier.classify(named, true));
    assertSame(
        unnamed,
        driver.withStatus(unnamed, System.nanoTime()),
        "a rejection older than the request does not count");
  }

  @Test
  void aStreamableHttpAttemptAfterAnUnreadableFailureStartsAFreshSession() throws Throwable {
    McpAsyncClient expired = streamableClient();
    Object kept = activeSession(transportOf(expired));
    driver(SdkTransport.Kind.STREAMABLE, expired).reconnect(FailureKind.SESSION_EXPIRED);
    assertSame(
        kept,
        activeSession(transportOf(expired)),
        "an expired session is replaced by the SDK itself");

    McpAsyncClient unreadable = streamableClient();
    Object replaced = activeSession(transportOf(unreadable));
    driver(SdkTransport.Kind.STREAMABLE, unreadable).reconnect(FailureKind.OTHER);
    assertNotSame(
        replaced,
        activeSession(transportOf(unreadable)),
        "a session that failed in an unknown way is not trusted");
  }
}
