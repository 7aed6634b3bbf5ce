package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.FailureClassifier;
import io.github.mcpkeepalive.core.FailureKind;
import io.github.mcpkeepalive.instrumentation.webflux.SpringAiWebFluxInstrumentation;
import io.github.mcpkeepalive.instrumentation.webflux.common.WebFluxHooks;
import io.github.mcpkeepalive.instrumentation.webflux.v2_0.WebFlux20Module;
import io.netty.resolver.AddressResolverGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.mcp.client.webflux.transport.WebClientStreamableHttpTransport;
import org.springframework.ai.mcp.client.webflux.transport.WebFluxSseClientTransport;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.TransportConfig;
import reactor.util.retry.Retry;

/**
 * The SDK support on Spring AI 2.0's real WebClient transports (Spring WebFlux 7, Reactor Netty
 * 1.3), decided for the test's class loader as the agent decides it: how their clients are found,
 * how their streams' ends and failures reach the connection, and the pool dropped before a
 * reconnect after a silent path. Spring AI 2.0 marks its legacy SSE transport for removal; the
 * agent supports it while applications use it, so this test uses it on purpose.
 */
@SuppressWarnings("removal")
class WebClientTransportsTest extends SdkTestBase {

  /** The Reactor Netty pool behind the test's WebClients, which records what is dropped. */
  private final RecordingPool pool = new RecordingPool();

  @BeforeEach
  void decideWebFlux() {
    assertInstanceOf(
        WebFlux20Module.class,
        SpringAiWebFluxInstrumentation.INSTANCE.moduleFor(getClass().getClassLoader()),
        "Spring AI's mcp-spring-webflux 2.0.0 passes the reference check");
  }

  private WebClient.Builder webClient() {
    return WebClient.builder()
        .baseUrl(NOWHERE)
        .clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)));
  }

  private WebFluxSseClientTransport webFluxSse() {
    return WebFluxSseClientTransport.builder(webClient()).sseEndpoint("/sse?token=SECRET").build();
  }

  private WebClientStreamableHttpTransport webClientStreamable() {
    return WebClientStreamableHttpTransport.builder(webClient())
        .endpoint("/mcp?token=SECRET")
        .build();
  }

  @Test
  void anSseClientIsFoundWithItsWebClientsUrlAndBothVersions() {
    Connection c = discovered(client(webFluxSse()));

    assertEquals("sse", c.transport());
    assertEquals(NOWHERE + "/sse", c.url());
    assertEquals("mcp-java-sdk 2.1.0 with mcp-spring-webflux 2.0.0", c.library());
    assertTrue(log.stream().noneMatch(l -> l.contains("SECRET")), log::toString);
  }

  @Test
  void aStreamableClientIsFoundWithItsWebClientsUrl() {
    Connection c = discovered(client(webClientStreamable()));

    assertEquals("streamable", c.transport());
    assertEquals(NOWHERE + "/mcp", c.url());
  }

  /**
   * What the transport's retry handler would do again (send the GET at once, to a session it cannot
   * take) the agent does instead: the stream ends, the connection is lost with the failure as its
   * cause, and its reconnect in place follows.
   */
  @Test
  void aFailedSseStreamOfAManagedClientEndsAndTheConnectionIsLostWithItsCause() throws Exception {
    WebFluxSseClientTransport transport = webFluxSse();
    Connection c = connected(client(transport));
    AtomicBoolean takenOver = new AtomicBoolean();

    Flux<?> stream = // what the woven eventStream() returns
        (Flux<?>) WebFluxHooks.sseStreamOpened(transport, failingStream(transport, takenOver));

    List<?> events = stream.collectList().block(DEADLINE); // completes: no error

    assertTrue(takenOver.get());
    assertEquals(List.of(), events);
    scheduler.runDue();
    assertEquals(ConnectionState.DISCONNECTED, c.state());
    assertTrue(c.lastError().contains("prematurely closed"), c.lastError());
  }

  @Test
  void theRetryHandlerOfATransportWithoutAManagedClientIsLeftToDecide() {
    AtomicBoolean takenOver = new AtomicBoolean();

    Flux<Object> stream = failingStream(webFluxSse(), takenOver);

    assertThrowsIo(stream);
    assertFalse(takenOver.get());
  }

  /** Before the client's first session the transport's own retry may still get one. */
  @Test
  void theRetryHandlerOfAClientStillConnectingForTheFirstTimeIsLeftToDecide() {
    WebFluxSseClientTransport transport = webFluxSse();
    discovered(client(transport));
    AtomicBoolean takenOver = new AtomicBoolean();

    assertThrowsIo(failingStream(transport, takenOver));
    assertFalse(takenOver.get());
  }

  @Test
  void theRetryHandlerOfAClosingTransportIsLeftToDecide() {
    WebFluxSseClientTransport transport = webFluxSse();
    Connection c = connected(client(transport));
    transport.closeGracefully().block(DEADLINE);
    AtomicBoolean takenOver = new AtomicBoolean();

    assertThrowsIo(failingStream(transport, takenOver));
    assertFalse(takenOver.get());
    assertEquals(ConnectionState.CONNECTED, c.state());
  }

  @Test
  void aDisposedSseStreamIsNoLostConnection() {
    WebFluxSseClientTransport transport = webFluxSse();
    Connection c = connected(client(transport));
    @SuppressWarnings("unchecked")
    Flux<Object> wrapped = (Flux<Object>) WebFluxHooks.sseStreamOpened(transport, Flux.never());

    wrapped.subscribe().dispose();
    scheduler.runDue();

    assertEquals(ConnectionState.CONNECTED, c.state());
  }

  @Test
  void anSseStreamThatEndsLosesTheConnection() throws Throwable {
    WebFluxSseClientTransport transport = webFluxSse();
    Connection c = connected(client(transport));
    Object sink = ((SdkTransport.Sse) driverOf(c).access()).endpointSink(transport);

    ((Flux<?>) WebFluxHooks.sseStreamOpened(transport, Flux.empty())).blockLast(DEADLINE);
    scheduler.runDue();

    assertEquals(ConnectionState.DISCONNECTED, c.state());
    assertNotSame(
        sink,
        ((SdkTransport.Sse) driverOf(c).access()).endpointSink(transport),
        "a fresh sink takes the next endpoint event");
  }

  @Test
  void aRejectedPostIsNamedInTheFailureOfThePingItBelongsTo() {
    WebClientStreamableHttpTransport transport = webClientStreamable();
    Connection c = connected(client(transport));
    long before = System.nanoTime();

    WebFluxHooks.answered(transport, ClientResponse.create(HttpStatus.UNAUTHORIZED).build());

    Throwable named = driverOf(c).withStatus(new IOException("Failed to send message"), before);
    assertEquals("server answered HTTP status 401", named.getMessage());
    assertEquals(FailureKind.AUTH, FailureClassifier.classify(named, true));
  }

  /** Spring AI 2.0's SSE transport fails a rejected GET with a JSON error that names no status. */
  @Test
  void aRejectedSseStreamIsNamedInTheFailureOfTheAttemptItBelongsTo() {
    WebFluxSseClientTransport transport = webFluxSse();
    Connection c = connected(client(transport));
    long before = System.nanoTime();

    WebFluxHooks.answered(transport, ClientResponse.create(HttpStatus.FORBIDDEN).build());

    Throwable named = driverOf(c).withStatus(new IOException("SSE stream ended"), before);
    assertEquals(FailureKind.AUTH, FailureClassifier.classify(named, true));
  }

  /**
   * A Boot 3.5 application stops its Reactor Netty resources before it closes its MCP clients:
   * keepalive ends for the WebClient transports of that class loader, the others keep theirs.
   */
  @Test
  void stoppingTheReactorResourcesEndsKeepaliveForTheWebClientTransportsOnly() {
    Connection onWebClient = connected(client(webClientStreamable()));
    Connection onHttpClient = connected(streamableClient());

    ReactorResourceFactory factory = new ReactorResourceFactory();
    GenericApplicationContext context = new GenericApplicationContext();
    context.refresh();
    factory.setApplicationContext(context);

    WebFluxHooks.resourcesStopping(factory); // a pause (CRaC, context.stop()): nothing ends
    scheduler.runDue();
    assertEquals(ConnectionState.CONNECTED, onWebClient.state());

    context.close(); // what the application's shutdown does before it stops the factory
    WebFluxHooks.resourcesStopping(factory);
    scheduler.runDue();

    assertEquals(ConnectionState.CLOSED, onWebClient.state());
    assertEquals(ConnectionState.CONNECTED, onHttpClient.state());
    assertTrue(
        log.stream()
            .anyMatch(
                l ->
                    l.contains(
                        "-> CLOSED (closed by the application: it stops the Reactor Netty resources")),
        log::toString);
  }

  @Test
  void aReconnectAfterASilentPathDropsThePooledConnectionsToTheServerOnly() {
    WebClientStreamableHttpTransport transport = webClientStreamable();
    Connection c = connected(client(transport));

    driverOf(c).reconnect(FailureKind.TIMEOUT);
    driverOf(c).reconnect(FailureKind.SESSION_EXPIRED);

    assertEquals(List.of(InetSocketAddress.createUnresolved("127.0.0.1", 9)), pool.dropped);
  }

  /** A stream that fails as a cut WebClient body does, behind a hooked retry handler. */
  private static Flux<Object> failingStream(Object transport, AtomicBoolean takenOver) {
    return Flux.error(new IOException("Connection prematurely closed DURING response"))
        .retryWhen(
            Retry.from(
                signals ->
                    signals.handle(
                        (signal, sink) -> {
                          if (WebFluxHooks.sseStreamFailed(transport, signal, sink)) {
                            takenOver.set(true);
                          } else {
                            sink.error(signal.failure()); // what the transport does then
                          }
                        })));
  }

  private static void assertThrowsIo(Flux<Object> stream) {
    RuntimeException e = assertThrows(RuntimeException.class, () -> stream.blockLast(DEADLINE));
    assertInstanceOf(IOException.class, e.getCause());
  }

  /** A real Reactor Netty pool that records the addresses it is told to drop. */
  private static final class RecordingPool implements ConnectionProvider {
    final List<SocketAddress> dropped = new CopyOnWriteArrayList<>();
    private final ConnectionProvider real = ConnectionProvider.create("test", 4);

    @Override
    public Mono<? extends reactor.netty.Connection> acquire(
        TransportConfig config,
        ConnectionObserver observer,
        Supplier<? extends SocketAddress> remote,
        AddressResolverGroup<?> resolver) {
      return real.acquire(config, observer, remote, resolver);
    }

    @Override
    public void disposeWhen(SocketAddress address) {
      dropped.add(address);
      real.disposeWhen(address);
    }
  }
}
