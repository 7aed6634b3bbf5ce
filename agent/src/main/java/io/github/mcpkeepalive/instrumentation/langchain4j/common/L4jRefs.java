package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import static io.github.mcpkeepalive.instrumentation.refs.MethodRef.ANY;

import io.github.mcpkeepalive.instrumentation.refs.FieldRef;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;

/**
 * Everything the langchain4j-mcp support relies on in langchain4j-mcp (and in OkHttp, which its
 * legacy SSE transport uses) in every version range: the members its advice is woven into and the
 * members its hooks and driver read and call. Version ranges add their own on top. Checked against
 * the application's class files before any langchain4j class is woven; the hooks reach the library
 * only through these handles.
 */
public final class L4jRefs {

  public static final String CLIENT = "dev.langchain4j.mcp.client.DefaultMcpClient";
  public static final String OPERATION_HANDLER =
      "dev.langchain4j.mcp.client.transport.McpOperationHandler";
  public static final String SSE_TRANSPORT =
      "dev.langchain4j.mcp.client.transport.http.HttpMcpTransport";
  public static final String SSE_LISTENER =
      "dev.langchain4j.mcp.client.transport.http.SseEventListener";
  public static final String STREAMABLE_TRANSPORT =
      "dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport";
  public static final String SSE_SUBSCRIBER =
      "dev.langchain4j.mcp.client.transport.http.SseSubscriber";
  public static final String PING_REQUEST = "dev.langchain4j.mcp.protocol.McpPingRequest";
  public static final String INITIALIZE_REQUEST =
      "dev.langchain4j.mcp.protocol.McpInitializeRequest";
  public static final String RESPONSE_INFO = "java.net.http.HttpResponse$ResponseInfo";

  private static final String BUILDER = CLIENT + "$Builder";
  private static final String TRANSPORT = "dev.langchain4j.mcp.client.transport.McpTransport";
  private static final String CALL_CONTEXT = "dev.langchain4j.mcp.client.McpCallContext";
  private static final String CLIENT_MESSAGE = "dev.langchain4j.mcp.protocol.McpClientMessage";
  private static final String EVENT_SOURCE = "okhttp3.sse.EventSource";
  private static final String OK_HTTP_CLIENT = "okhttp3.OkHttpClient";
  private static final String ATOMIC_REFERENCE = "java.util.concurrent.atomic.AtomicReference";
  private static final String STRING = "java.lang.String";

  /** The references of every version range. */
  public static final References COMMON = new References();

  // DefaultMcpClient: discovered when constructed, closed; its own reconnect skipped; pinged with
  // its
  // request ids; re-initialized under its lock; its tool list cache emptied
  public static final MethodRef CLIENT_CONSTRUCTOR = COMMON.constructor(CLIENT, BUILDER);
  public static final MethodRef CLIENT_CLOSE = COMMON.method(CLIENT, "close");
  public static final MethodRef CLIENT_RECONNECT =
      COMMON.method(CLIENT, "triggerReconnection").returning("void");
  public static final MethodRef CLIENT_INITIALIZE =
      COMMON.method(CLIENT, "initialize").returning("void");
  public static final MethodRef CLIENT_EVICT_TOOLS = COMMON.method(CLIENT, "evictToolListCache");
  public static final FieldRef CLIENT_TRANSPORT = COMMON.field(CLIENT, "transport", TRANSPORT);
  public static final FieldRef CLIENT_ID_GENERATOR =
      COMMON.field(CLIENT, "idGenerator", "java.util.concurrent.atomic.AtomicLong");
  public static final FieldRef CLIENT_PENDING =
      COMMON.field(CLIENT, "pendingOperations", "java.util.Map");
  public static final FieldRef CLIENT_INITIALIZATION_LOCK =
      COMMON.field(CLIENT, "initializationLock", "java.util.concurrent.locks.ReentrantLock");
  public static final FieldRef CLIENT_MESSAGE_HANDLER =
      COMMON.field(CLIENT, "messageHandler", OPERATION_HANDLER);
  public static final FieldRef CLIENT_TOOL_TIMEOUT =
      COMMON.field(CLIENT, "toolExecutionTimeout", "java.time.Duration");
  public static final FieldRef CLIENT_RESOURCES_TIMEOUT =
      COMMON.field(CLIENT, "resourcesTimeout", "java.time.Duration");
  public static final FieldRef CLIENT_PROMPTS_TIMEOUT =
      COMMON.field(CLIENT, "promptsTimeout", "java.time.Duration");
  public static final FieldRef CLIENT_HEALTH_CHECKER =
      COMMON.field(CLIENT, "healthCheckScheduler", "java.util.concurrent.ScheduledExecutorService");

  // its builder: the library's health check left off when the application did not configure it
  public static final FieldRef BUILDER_TRANSPORT = COMMON.field(BUILDER, "transport", TRANSPORT);
  public static final FieldRef BUILDER_HEALTH_CHECK =
      COMMON.field(BUILDER, "autoHealthCheck", "java.lang.Boolean");
  public static final FieldRef BUILDER_HEALTH_CHECK_INTERVAL =
      COMMON.field(BUILDER, "autoHealthCheckInterval", "java.time.Duration");

  // McpOperationHandler: every message read; pending requests failed before a legacy SSE reconnect
  public static final MethodRef HANDLER_HANDLE = COMMON.method(OPERATION_HANDLER, "handle", ANY);
  public static final FieldRef HANDLER_TRANSPORT =
      COMMON.field(OPERATION_HANDLER, "transport", TRANSPORT);
  public static final MethodRef HANDLER_CANCEL_ALL =
      COMMON.method(OPERATION_HANDLER, "cancelAllPendingOperations", STRING);

  // requests: a ping built like the library's; pings and initializations told from other requests
  public static final MethodRef PING_CONSTRUCTOR =
      COMMON.constructor(PING_REQUEST, "java.lang.Long");
  public static final MethodRef INITIALIZE_CONSTRUCTOR =
      COMMON.constructor(INITIALIZE_REQUEST, "java.lang.Long");
  public static final MethodRef CONTEXT_MESSAGE =
      COMMON.method(CALL_CONTEXT, "message").returning(CLIENT_MESSAGE);
  public static final MethodRef TRANSPORT_SEND =
      COMMON.method(TRANSPORT, "executeOperationWithResponse", CLIENT_MESSAGE);

  // HttpMcpTransport (legacy SSE over OkHttp): its URL, stream, client, failure handler, requests
  public static final FieldRef SSE_URL = COMMON.field(SSE_TRANSPORT, "sseUrl", STRING);
  public static final FieldRef SSE_EVENT_SOURCE =
      COMMON.field(SSE_TRANSPORT, "mcpSseEventListener", EVENT_SOURCE);
  public static final FieldRef SSE_HTTP_CLIENT =
      COMMON.field(SSE_TRANSPORT, "client", OK_HTTP_CLIENT);
  public static final MethodRef SSE_ON_FAILURE =
      COMMON.method(SSE_TRANSPORT, "onFailure", "java.lang.Runnable");
  public static final MethodRef SSE_REQUEST =
      COMMON.method(SSE_TRANSPORT, "executeOperationWithResponse", CALL_CONTEXT);
  public static final MethodRef LISTENER_FAILED =
      COMMON.method(
          SSE_LISTENER, "onFailure", EVENT_SOURCE, "java.lang.Throwable", "okhttp3.Response");
  public static final MethodRef LISTENER_CLOSED =
      COMMON.method(SSE_LISTENER, "onClosed", EVENT_SOURCE);
  public static final FieldRef LISTENER_HANDLER =
      COMMON.field(SSE_LISTENER, "messageHandler", OPERATION_HANDLER);

  // OkHttp, as the library's class loader provides it
  public static final MethodRef EVENT_SOURCE_CANCEL = COMMON.method(EVENT_SOURCE, "cancel");
  public static final MethodRef RESPONSE_CODE =
      COMMON.method("okhttp3.Response", "code").returning("int");
  public static final MethodRef HTTP_CLIENT_DISPATCHER =
      COMMON.method(OK_HTTP_CLIENT, "dispatcher").returning("okhttp3.Dispatcher");
  public static final MethodRef DISPATCHER_CANCEL_ALL =
      COMMON.method("okhttp3.Dispatcher", "cancelAll");
  public static final MethodRef HTTP_CLIENT_POOL =
      COMMON.method(OK_HTTP_CLIENT, "connectionPool").returning("okhttp3.ConnectionPool");
  public static final MethodRef POOL_EVICT_ALL =
      COMMON.method("okhttp3.ConnectionPool", "evictAll");

  // StreamableHttpMcpTransport: its URL, session id, initialization under way, requests
  public static final FieldRef HTTP_URL = COMMON.field(STREAMABLE_TRANSPORT, "url", STRING);
  public static final FieldRef HTTP_SESSION_ID =
      COMMON.field(STREAMABLE_TRANSPORT, "mcpSessionId", ATOMIC_REFERENCE);
  public static final FieldRef HTTP_INITIALIZATION =
      COMMON.field(STREAMABLE_TRANSPORT, "initializeInProgress", ATOMIC_REFERENCE);
  public static final MethodRef HTTP_INITIALIZE =
      COMMON
          .method(STREAMABLE_TRANSPORT, "initialize", INITIALIZE_REQUEST)
          .returning("java.util.concurrent.CompletableFuture");
  public static final MethodRef HTTP_REQUEST =
      COMMON.method(STREAMABLE_TRANSPORT, "executeOperationWithResponse", CALL_CONTEXT);

  /** The response handler of a request: {@code (context, isRetry, future, id, ResponseInfo)}. */
  public static final MethodRef HTTP_RESPONSE_STATUS =
      COMMON.lambda(
          STREAMABLE_TRANSPORT, "execute", CALL_CONTEXT, "boolean", ANY, ANY, RESPONSE_INFO);

  private L4jRefs() {}
}
