package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import static io.github.mcpkeepalive.instrumentation.refs.MethodRef.ANY;

import io.github.mcpkeepalive.instrumentation.refs.FieldRef;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the MCP Java SDK support relies on in the SDK (and in Reactor, which the SDK's loader
 * provides) in every version range: the members its advice is woven into and the members its hooks
 * and driver read and call. Version ranges add their own on top. Checked against the application's
 * class files before any SDK class is woven; the hooks reach the SDK only through these handles.
 */
public final class SdkRefs {

  public static final String ASYNC_CLIENT = "io.modelcontextprotocol.client.McpAsyncClient";
  public static final String SYNC_CLIENT = "io.modelcontextprotocol.client.McpSyncClient";
  public static final String INITIALIZER = "io.modelcontextprotocol.client.LifecycleInitializer";
  public static final String SESSION = "io.modelcontextprotocol.spec.McpClientSession";
  public static final String SSE_TRANSPORT =
      "io.modelcontextprotocol.client.transport.HttpClientSseClientTransport";
  public static final String STREAMABLE_TRANSPORT =
      "io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport";

  private static final String INITIALIZATION = INITIALIZER + "$DefaultInitialization";
  private static final String TRANSPORT_SESSION =
      "io.modelcontextprotocol.spec.McpTransportSession";
  private static final String CLIENT_TRANSPORT = "io.modelcontextprotocol.spec.McpClientTransport";
  private static final String MONO = "reactor.core.publisher.Mono";
  private static final String SIGNAL_TYPE = "reactor.core.publisher.SignalType";
  private static final String RETRY = "reactor.util.retry.Retry";
  private static final String ATOMIC_REFERENCE = "java.util.concurrent.atomic.AtomicReference";
  private static final String STRING = "java.lang.String";
  private static final String URI = "java.net.URI";

  /** The references of every version range. */
  public static final References COMMON = new References();

  // McpAsyncClient: discovered when constructed (or first used, after a late attach), pinged,
  // closed
  public static final MethodRef ASYNC_CLIENT_CONSTRUCTORS = COMMON.constructors(ASYNC_CLIENT);
  public static final MethodRef ASYNC_PING = COMMON.method(ASYNC_CLIENT, "ping").returning(MONO);
  public static final MethodRef ASYNC_IS_INITIALIZED =
      COMMON.method(ASYNC_CLIENT, "isInitialized").returning("boolean");
  public static final MethodRef ASYNC_CLOSE = COMMON.method(ASYNC_CLIENT, "close");
  public static final MethodRef ASYNC_CLOSE_GRACEFULLY =
      COMMON.method(ASYNC_CLIENT, "closeGracefully");
  public static final FieldRef ASYNC_TRANSPORT =
      COMMON.field(ASYNC_CLIENT, "transport", CLIENT_TRANSPORT);
  public static final FieldRef ASYNC_INITIALIZER =
      COMMON.field(ASYNC_CLIENT, "initializer", INITIALIZER);

  // McpSyncClient: its wrapper adds the application's transport context to a ping
  public static final MethodRef SYNC_CLIENT_CONSTRUCTORS = COMMON.constructors(SYNC_CLIENT);
  public static final FieldRef SYNC_DELEGATE = COMMON.field(SYNC_CLIENT, "delegate", ASYNC_CLIENT);
  public static final MethodRef SYNC_WITH_CONTEXT =
      COMMON.method(SYNC_CLIENT, "withProvidedContext", MONO).returning(MONO);

  // LifecycleInitializer: every request goes through it; its initialization is reset to reconnect
  public static final MethodRef WITH_INITIALIZATION =
      COMMON
          .method(INITIALIZER, "withInitialization", STRING, "java.util.function.Function")
          .returning(MONO);
  public static final FieldRef INITIALIZATION_REF =
      COMMON.field(INITIALIZER, "initializationRef", ATOMIC_REFERENCE);

  /** The application's initialization timeout: how long a request waits for a session. */
  public static final FieldRef INITIALIZATION_TIMEOUT =
      COMMON.field(INITIALIZER, "initializationTimeout", "java.time.Duration");

  public static final FieldRef INITIALIZATION_RESULT =
      COMMON.field(INITIALIZATION, "result", ATOMIC_REFERENCE);
  public static final MethodRef INITIALIZATION_CLOSE = COMMON.method(INITIALIZATION, "close");

  // McpClientSession: every message read
  public static final MethodRef SESSION_HANDLE =
      COMMON.method(SESSION, "handle", ANY).isStatic(false);
  public static final FieldRef SESSION_TRANSPORT =
      COMMON.field(SESSION, "transport", CLIENT_TRANSPORT);

  // legacy SSE transport: its stream, its endpoint sink, its URL
  public static final FieldRef SSE_BASE_URI = COMMON.field(SSE_TRANSPORT, "baseUri", URI);
  public static final FieldRef SSE_ENDPOINT = COMMON.field(SSE_TRANSPORT, "sseEndpoint", STRING);
  public static final FieldRef SSE_SUBSCRIPTION =
      COMMON.field(SSE_TRANSPORT, "sseSubscription", ATOMIC_REFERENCE);
  public static final FieldRef SSE_ENDPOINT_SINK =
      COMMON.field(SSE_TRANSPORT, "messageEndpointSink", "reactor.core.publisher.Sinks$One");

  /** The stream's doFinally handler: {@code (SignalType)}. */
  public static final MethodRef SSE_STREAM_FINALLY =
      COMMON.lambda(SSE_TRANSPORT, "connect", SIGNAL_TYPE).isStatic(false).returning("void");

  // Streamable HTTP transport: its session, its GET stream, its URL
  public static final FieldRef HTTP_BASE_URI = COMMON.field(STREAMABLE_TRANSPORT, "baseUri", URI);
  public static final FieldRef HTTP_ENDPOINT =
      COMMON.field(STREAMABLE_TRANSPORT, "endpoint", STRING);
  public static final FieldRef HTTP_ACTIVE_SESSION =
      COMMON.field(STREAMABLE_TRANSPORT, "activeSession", ATOMIC_REFERENCE);
  public static final MethodRef HTTP_CREATE_SESSION =
      COMMON.method(STREAMABLE_TRANSPORT, "createTransportSession").returning(TRANSPORT_SESSION);

  /** Opens the GET stream: {@code reconnect(McpTransportStream)}. */
  public static final MethodRef HTTP_OPEN_GET_STREAM =
      COMMON.method(STREAMABLE_TRANSPORT, "reconnect", ANY).isStatic(false).returning(MONO);

  /**
   * The GET stream's static doFinally handler: {@code (AtomicReference, McpTransportSession,
   * SignalType)}.
   */
  public static final MethodRef HTTP_GET_STREAM_FINALLY =
      COMMON
          .lambda(
              STREAMABLE_TRANSPORT, "reconnect", ATOMIC_REFERENCE, TRANSPORT_SESSION, SIGNAL_TYPE)
          .isStatic(true)
          .returning("void");

  /** The GET stream's onErrorComplete predicate: {@code (Throwable)}. */
  public static final MethodRef HTTP_GET_STREAM_ERROR =
      COMMON
          .lambda(STREAMABLE_TRANSPORT, "reconnect", "java.lang.Throwable")
          .isStatic(false)
          .returning("boolean");

  public static final MethodRef TRANSPORT_SESSION_ID =
      COMMON.method(TRANSPORT_SESSION, "sessionId").returning("java.util.Optional");
  public static final MethodRef TRANSPORT_SESSION_CLOSE = COMMON.method(TRANSPORT_SESSION, "close");

  // Reactor, as the SDK's class loader provides it
  public static final MethodRef SINKS_ONE =
      COMMON.method("reactor.core.publisher.Sinks", "one").isStatic(true);
  public static final MethodRef SINK_TRY_EMIT_ERROR =
      COMMON.method("reactor.core.publisher.Sinks$One", "tryEmitError", "java.lang.Throwable");
  public static final MethodRef MONO_SUBSCRIBE =
      COMMON.method(
          MONO, "subscribe", "java.util.function.Consumer", "java.util.function.Consumer");
  public static final MethodRef MONO_ON_ERROR_RESUME =
      COMMON
          .method(
              MONO, "onErrorResume", "java.util.function.Predicate", "java.util.function.Function")
          .returning(MONO);
  public static final MethodRef MONO_CONTEXT_WRITE =
      COMMON.method(MONO, "contextWrite", "reactor.util.context.ContextView").returning(MONO);
  public static final MethodRef SINK_CONTEXT_VIEW =
      COMMON
          .method("reactor.core.publisher.MonoSink", "contextView")
          .returning("reactor.util.context.ContextView");
  public static final MethodRef MONO_TO_FUTURE = COMMON.method(MONO, "toFuture");
  public static final MethodRef MONO_RETRY_WHEN = COMMON.method(MONO, "retryWhen", RETRY);
  public static final MethodRef MONO_FROM_FUTURE =
      COMMON.method(MONO, "fromFuture", "java.util.function.Supplier").isStatic(true);
  public static final MethodRef MONO_THEN = COMMON.method(MONO, "then", MONO).returning(MONO);
  public static final MethodRef RETRY_MAX = COMMON.method(RETRY, "max", "long").isStatic(true);
  public static final MethodRef RETRY_FIXED_DELAY =
      COMMON.method(RETRY, "fixedDelay", "long", "java.time.Duration").isStatic(true);
  public static final MethodRef RETRY_SPEC_FILTER =
      COMMON.method("reactor.util.retry.RetrySpec", "filter", "java.util.function.Predicate");
  public static final MethodRef BACKOFF_SPEC_FILTER =
      COMMON.method(
          "reactor.util.retry.RetryBackoffSpec", "filter", "java.util.function.Predicate");
  public static final MethodRef DISPOSABLE_DISPOSE =
      COMMON.method("reactor.core.Disposable", "dispose");
  public static final MethodRef DISPOSABLE_IS_DISPOSED =
      COMMON.method("reactor.core.Disposable", "isDisposed");

  /** What the ranges 0.16 and 2.0 add: their POST response handler gets a {@code ResponseEvent}. */
  public static final References RESPONSE_EVENTS = new References();

  public static final MethodRef RESPONSE_EVENT_INFO =
      RESPONSE_EVENTS
          .method(
              "io.modelcontextprotocol.client.transport.ResponseSubscribers$ResponseEvent",
              "responseInfo")
          .returning("java.net.http.HttpResponse$ResponseInfo");

  /**
   * Declares, in a range's {@code references}, the legacy SSE stream's error predicate as SDK 0.16
   * to 2.0 write it: {@code boolean (MonoSink, Throwable)}.
   */
  public static MethodRef sseStreamErrorWithSink(References references) {
    return references
        .lambda(SSE_TRANSPORT, "connect", "reactor.core.publisher.MonoSink", "java.lang.Throwable")
        .isStatic(false)
        .returning("boolean");
  }

  /**
   * Declares, in a range's {@code references}, the Streamable HTTP POST response handler as SDK
   * 0.16 to 2.0 write it: {@code leading} parameters, then {@code (McpTransportSession, MonoSink,
   * JSONRPCMessage, ResponseEvent)}.
   */
  public static MethodRef postResponseHandlerOfEvent(References references, String... leading) {
    List<String> params = new ArrayList<>(List.of(leading));
    params.addAll(
        List.of(
            TRANSPORT_SESSION,
            "reactor.core.publisher.MonoSink",
            "io.modelcontextprotocol.spec.McpSchema$JSONRPCMessage",
            "io.modelcontextprotocol.client.transport.ResponseSubscribers$ResponseEvent"));
    return references
        .lambda(STREAMABLE_TRANSPORT, "sendMessage", params.toArray(new String[0]))
        .isStatic(false);
  }

  private SdkRefs() {}
}
