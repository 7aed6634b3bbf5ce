package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import static io.github.mcpkeepalive.instrumentation.weave.Hook.LAST_ARGUMENT;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.RETURN;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.THIS;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.argument;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.field;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.onEnter;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.onExit;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.instrumentation.weave.Hook;

/**
 * The calls woven into the MCP Java SDK, each into {@link SdkHooks} (the fields read are declared
 * in {@link SdkRefs}).
 */
public final class SdkAdvice {

  private SdkAdvice() {}

  /** {@code McpAsyncClient.<init>}, after: discover the client. */
  public static final Hook ASYNC_CLIENT_CREATED =
      onExit(SdkHooks.class, "asyncClientCreated", THIS);

  /** A request method of {@code McpAsyncClient}: discover a client that predates a late attach. */
  public static final Hook ASYNC_CLIENT_USED = onEnter(SdkHooks.class, "asyncClientUsed", THIS);

  /** {@code McpSyncClient.<init>}, after: remember the wrapper, whose ping carries the context. */
  public static final Hook SYNC_CLIENT_CREATED =
      onExit(SdkHooks.class, "syncClientCreated", THIS, field("delegate"));

  /** {@code McpAsyncClient.close/closeGracefully}: stop keepalive. */
  public static final Hook CLIENT_CLOSED = onEnter(SdkHooks.class, "clientClosed", THIS);

  /** {@code McpClientSession.handle(message)}: a message was read. */
  public static final Hook MESSAGE_READ =
      onEnter(AgentRuntime.class, "messageRead", field("transport"));

  /** The onErrorComplete predicate of a transport stream (the error is its last argument). */
  public static final Hook STREAM_ERROR =
      onEnter(SdkHooks.class, "streamError", THIS, LAST_ARGUMENT);

  /** The handler of a Streamable HTTP POST's response (the response is its last argument). */
  public static final Hook POST_ANSWERED =
      onEnter(SdkHooks.class, "postAnswered", THIS, LAST_ARGUMENT);

  /** The doFinally handler of the legacy SSE stream. */
  public static final Hook SSE_STREAM_ENDED =
      onEnter(SdkHooks.class, "sseStreamEnded", THIS, argument(0));

  /** {@code HttpClientStreamableHttpTransport.reconnect(stream)}: a GET stream is being opened. */
  public static final Hook GET_STREAM_OPENING = onEnter(SdkHooks.class, "getStreamOpening", THIS);

  /** The static doFinally handler of the Streamable HTTP GET stream: (ref, session, signal). */
  public static final Hook GET_STREAM_ENDED =
      onEnter(SdkHooks.class, "getStreamEnded", argument(1), argument(2));

  /** {@code LifecycleInitializer.withInitialization}, after: retry once on an expired session. */
  public static final Hook WITH_INITIALIZATION =
      onExit(SdkHooks.class, "retryOnExpiredSession", THIS, RETURN).settingReturn();
}
