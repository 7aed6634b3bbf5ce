package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import static io.github.mcpkeepalive.instrumentation.weave.Hook.NULL;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.RETURN;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.THIS;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.argument;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.field;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.onEnter;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.onExit;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.instrumentation.weave.Hook;

/**
 * The calls woven into langchain4j-mcp, each into {@link L4jHooks} (the fields read are declared in
 * {@link L4jRefs}).
 */
public final class L4jAdvice {

  private L4jAdvice() {}

  /** {@code DefaultMcpClient.<init>(builder)}, before: adjust what the application left unset. */
  static final Hook CLIENT_CREATING = onEnter(L4jHooks.class, "clientCreating", argument(0));

  /** {@code DefaultMcpClient.<init>(builder)}, after it connected: discover the client. */
  static final Hook CLIENT_CREATED = onExit(L4jHooks.class, "clientCreated", THIS);

  /** {@code DefaultMcpClient.close()}: stop keepalive. */
  static final Hook CLIENT_CLOSED = onEnter(L4jHooks.class, "clientClosed", THIS);

  /** {@code DefaultMcpClient.triggerReconnection()}: skipped, the agent reconnects managed ones. */
  static final Hook LIBRARY_RECONNECT =
      onEnter(L4jHooks.class, "libraryReconnect", THIS).skippingWhenTrue();

  /** {@code McpOperationHandler.handle(message)}: a message was read. */
  static final Hook MESSAGE_READ = onEnter(AgentRuntime.class, "messageRead", field("transport"));

  /** {@code HttpMcpTransport.onFailure(runnable)}: the library's fixed-delay reconnect, wrapped. */
  static final Hook FAILURE_HANDLER =
      onEnter(L4jHooks.class, "wrapFailureHandler", THIS, argument(0)).settingArgument(0);

  /** {@code SseEventListener.onFailure(source, error, response)}: the SSE stream failed. */
  static final Hook SSE_FAILED =
      onEnter(
          L4jHooks.class,
          "sseFailed",
          field("messageHandler"),
          argument(0),
          argument(1),
          argument(2));

  /** {@code SseEventListener.onClosed(source)}: the SSE stream ended cleanly. */
  static final Hook SSE_CLOSED =
      onEnter(L4jHooks.class, "sseFailed", field("messageHandler"), argument(0), NULL, NULL);

  /**
   * {@code executeOperationWithResponse(context)} of either transport, at its start: a request of
   * the application whose connection is down is taken over (the future the hook answers stands for
   * it, and the library's body is skipped).
   */
  static final Hook REQUEST_STARTING =
      onEnter(L4jHooks.class, "requestStarting", THIS, argument(0)).returningWhenNotNull();

  /** The same method, at its end: the request's future, watched. */
  static final Hook REQUEST_SENT =
      onExit(L4jHooks.class, "requestSent", THIS, argument(0), RETURN).settingReturn();

  /**
   * The response handler of a Streamable HTTP request {@code (context, isRetry, …, info)}: a 400
   * for a known session means it expired.
   */
  static final Hook RESPONSE_STATUS =
      onEnter(L4jHooks.class, "responseStatus", THIS, argument(0), argument(1), argument(4))
          .settingArgument(4);

  /**
   * {@code StreamableHttpMcpTransport.initialize(request)}, before: while an initialization is
   * under way, this one joins it (the future the hook answers stands for it, the body is skipped).
   */
  static final Hook INITIALIZE_STARTING =
      onEnter(L4jHooks.class, "initializeStarting", THIS).returningWhenNotNull();

  /** {@code StreamableHttpMcpTransport.initialize(request)}, after: a session is initializing. */
  static final Hook SESSION_INITIALIZING =
      onExit(L4jHooks.class, "sessionInitializing", THIS, RETURN);
}
