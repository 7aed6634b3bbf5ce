package io.github.mcpkeepalive.instrumentation.webflux.common;

import static io.github.mcpkeepalive.instrumentation.refs.MethodRef.ANY;

import io.github.mcpkeepalive.instrumentation.refs.FieldRef;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;

/**
 * Everything the support for the WebClient transports relies on: the members of the two transport
 * classes of one package (the SDK's {@code mcp-spring-webflux} and Spring AI's keep the same shapes
 * under different packages), and those of Spring WebFlux, Reactor Netty and Reactor that every
 * range shares. The hooks reach these classes only through these handles.
 */
public final class WebFluxRefs {

  private static final String MONO = "reactor.core.publisher.Mono";
  private static final String SIGNAL_TYPE = "reactor.core.publisher.SignalType";
  private static final String ATOMIC_REFERENCE = "java.util.concurrent.atomic.AtomicReference";
  private static final String TRANSPORT_SESSION =
      "io.modelcontextprotocol.spec.McpTransportSession";
  private static final String WEB_CLIENT =
      "org.springframework.web.reactive.function.client.WebClient";
  private static final String DEFAULT_WEB_CLIENT =
      "org.springframework.web.reactive.function.client.DefaultWebClient";
  private static final String EXCHANGE_FUNCTION =
      "org.springframework.web.reactive.function.client.ExchangeFunctions$DefaultExchangeFunction";
  private static final String REACTOR_CONNECTOR =
      "org.springframework.http.client.reactive.ReactorClientHttpConnector";
  private static final String CLIENT_RESPONSE =
      "org.springframework.web.reactive.function.client.ClientResponse";

  /** What every range relies on outside its transport classes. */
  static final References SHARED = new References();

  // Spring WebFlux: the URL a WebClient resolves a path to, and its Reactor Netty connector
  static final FieldRef WEB_CLIENT_URI_FACTORY =
      SHARED.field(
          DEFAULT_WEB_CLIENT,
          "uriBuilderFactory",
          "org.springframework.web.util.UriBuilderFactory");
  static final MethodRef URI_FACTORY_URI_STRING =
      SHARED
          .method("org.springframework.web.util.UriBuilderFactory", "uriString", "java.lang.String")
          .returning("org.springframework.web.util.UriBuilder");
  static final MethodRef URI_BUILDER_BUILD =
      SHARED
          .method("org.springframework.web.util.UriBuilder", "build", "java.util.Map")
          .returning("java.net.URI");
  static final FieldRef WEB_CLIENT_EXCHANGE =
      SHARED.field(
          DEFAULT_WEB_CLIENT,
          "exchangeFunction",
          "org.springframework.web.reactive.function.client.ExchangeFunction");
  static final FieldRef EXCHANGE_CONNECTOR =
      SHARED.field(
          EXCHANGE_FUNCTION,
          "connector",
          "org.springframework.http.client.reactive.ClientHttpConnector");
  static final FieldRef CONNECTOR_HTTP_CLIENT =
      SHARED.field(REACTOR_CONNECTOR, "httpClient", "reactor.netty.http.client.HttpClient");
  static final MethodRef CLIENT_RESPONSE_STATUS =
      SHARED
          .method(CLIENT_RESPONSE, "statusCode")
          .returning("org.springframework.http.HttpStatusCode");
  static final MethodRef STATUS_VALUE =
      SHARED.method("org.springframework.http.HttpStatusCode", "value").returning("int");

  // Spring's holder of the Reactor Netty resources (event loops, pool) of a Boot application
  static final String RESOURCE_FACTORY_CLASS =
      "org.springframework.http.client.ReactorResourceFactory";

  /** Stops the resources; from Spring's lifecycle, before the MCP clients are closed (Boot 3.5). */
  static final MethodRef RESOURCE_FACTORY_STOP =
      SHARED.method(RESOURCE_FACTORY_CLASS, "stop").isStatic(false).returning("void");

  /** The context the factory belongs to: only its close ends the clients (not a pause, CRaC). */
  static final FieldRef RESOURCE_FACTORY_CONTEXT =
      SHARED.field(
          RESOURCE_FACTORY_CLASS,
          "applicationContext",
          "org.springframework.context.ApplicationContext");

  static final MethodRef CONTEXT_IS_CLOSED =
      SHARED
          .method("org.springframework.context.ConfigurableApplicationContext", "isClosed")
          .returning("boolean");

  // Reactor Netty: the connection pool behind the connector
  static final MethodRef NETTY_CONFIGURATION =
      SHARED.method("reactor.netty.transport.Transport", "configuration");
  static final MethodRef NETTY_CONNECTION_PROVIDER =
      SHARED
          .method("reactor.netty.transport.ClientTransportConfig", "connectionProvider")
          .returning("reactor.netty.resources.ConnectionProvider");
  static final MethodRef POOL_DISPOSE_WHEN =
      SHARED.method(
          "reactor.netty.resources.ConnectionProvider", "disposeWhen", "java.net.SocketAddress");

  // Reactor
  static final MethodRef FLUX_DO_FINALLY =
      SHARED.method("reactor.core.publisher.Flux", "doFinally", "java.util.function.Consumer");
  static final MethodRef RETRY_SIGNAL_FAILURE =
      SHARED
          .method("reactor.util.retry.Retry$RetrySignal", "failure")
          .returning("java.lang.Throwable");
  static final MethodRef SYNCHRONOUS_SINK_COMPLETE =
      SHARED.method("reactor.core.publisher.SynchronousSink", "complete");

  static final String DEFAULT_WEB_CLIENT_CLASS = DEFAULT_WEB_CLIENT;
  static final String EXCHANGE_FUNCTION_CLASS = EXCHANGE_FUNCTION;
  static final String REACTOR_CONNECTOR_CLASS = REACTOR_CONNECTOR;

  /** The legacy SSE transport's class name. */
  public final String sseTransport;

  /** The Streamable HTTP transport's class name. */
  public final String streamableTransport;

  /** The references of one range: its transport classes' and {@link #SHARED}. */
  public final References references = new References().include(SHARED);

  // WebFluxSseClientTransport
  final FieldRef sseWebClient;
  final FieldRef sseEndpoint;
  final FieldRef sseSubscription;
  final FieldRef sseEndpointSink;
  final FieldRef sseClosing;

  /** {@code protected Flux<ServerSentEvent<String>> eventStream()}: the GET stream, retried. */
  final MethodRef sseEventStream;

  /**
   * The stream's retry handler, {@code void (Retry.RetrySignal, SynchronousSink)}, set up in the
   * constructor: it sees every error of the stream and re-sends the GET after an I/O error.
   */
  final MethodRef sseRetryHandler;

  // WebClientStreamableHttpTransport: the shapes of the SDK's HttpClientStreamableHttpTransport
  final FieldRef httpWebClient;
  final FieldRef httpEndpoint;
  final FieldRef httpActiveSession;
  final MethodRef httpCreateSession;

  /** Opens the GET stream: {@code reconnect(McpTransportStream)}. */
  final MethodRef httpOpenGetStream;

  /** The GET stream's static doFinally handler: {@code (AtomicReference, session, SignalType)}. */
  final MethodRef httpGetStreamFinally;

  /** The GET stream's onErrorComplete predicate: {@code boolean (Throwable)}. */
  final MethodRef httpGetStreamError;

  /** A POST's response handler: {@code (session, MonoSink, JSONRPCMessage, ClientResponse)}. */
  final MethodRef httpPostResponse;

  /**
   * Declares, in this range's references, the SSE transport's handler of the GET's response, {@code
   * Flux (ClientResponse)} in {@code eventStream()}, where ranges that read the body themselves
   * ({@code exchangeToFlux}) get the status.
   */
  public MethodRef sseResponseHandler() {
    return references
        .lambda(sseTransport, "eventStream", CLIENT_RESPONSE)
        .isStatic(false)
        .returning("reactor.core.publisher.Flux");
  }

  /**
   * @param pkg the package of the two transport classes in this range
   */
  public WebFluxRefs(String pkg) {
    sseTransport = pkg + ".WebFluxSseClientTransport";
    streamableTransport = pkg + ".WebClientStreamableHttpTransport";
    References r = references;
    sseWebClient = r.field(sseTransport, "webClient", WEB_CLIENT);
    sseEndpoint = r.field(sseTransport, "sseEndpoint", "java.lang.String");
    sseSubscription = r.field(sseTransport, "inboundSubscription", "reactor.core.Disposable");
    sseEndpointSink =
        r.field(sseTransport, "messageEndpointSink", "reactor.core.publisher.Sinks$One");
    sseClosing = r.field(sseTransport, "isClosing", "boolean");
    sseEventStream =
        r.method(sseTransport, "eventStream")
            .isStatic(false)
            .returning("reactor.core.publisher.Flux");
    sseRetryHandler =
        r.lambda(
                sseTransport,
                "new",
                "reactor.util.retry.Retry$RetrySignal",
                "reactor.core.publisher.SynchronousSink")
            .isStatic(false)
            .returning("void");
    httpWebClient = r.field(streamableTransport, "webClient", WEB_CLIENT);
    httpEndpoint = r.field(streamableTransport, "endpoint", "java.lang.String");
    httpActiveSession = r.field(streamableTransport, "activeSession", ATOMIC_REFERENCE);
    httpCreateSession =
        r.method(streamableTransport, "createTransportSession").returning(TRANSPORT_SESSION);
    httpOpenGetStream =
        r.method(streamableTransport, "reconnect", ANY).isStatic(false).returning(MONO);
    httpGetStreamFinally =
        r.lambda(streamableTransport, "reconnect", ATOMIC_REFERENCE, TRANSPORT_SESSION, SIGNAL_TYPE)
            .isStatic(true)
            .returning("void");
    httpGetStreamError =
        r.lambda(streamableTransport, "reconnect", "java.lang.Throwable")
            .isStatic(false)
            .returning("boolean");
    httpPostResponse =
        r.lambda(
                streamableTransport,
                "sendMessage",
                TRANSPORT_SESSION,
                "reactor.core.publisher.MonoSink",
                "io.modelcontextprotocol.spec.McpSchema$JSONRPCMessage",
                CLIENT_RESPONSE)
            .isStatic(false);
  }
}
