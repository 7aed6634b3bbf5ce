package io.github.mcpkeepalive.instrumentation.langchain4j.v1_12;

import static io.github.mcpkeepalive.instrumentation.weave.Hook.NULL;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.THIS;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.argument;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.field;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.onEnter;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.onExit;

import io.github.mcpkeepalive.instrumentation.weave.Hook;

/**
 * The calls of the notification stream's support (1.12 and later), each into {@link StreamHooks};
 * the fields read are declared in {@link StreamRefs}.
 */
final class StreamAdvice {

  private StreamAdvice() {}

  /** The response handler of the stream's GET: {@code (result, subscriber, firstAttempt, info)}. */
  static final Hook ANSWERED =
      onEnter(StreamHooks.class, "answered", THIS, argument(1), argument(3));

  /** {@code scheduleSubsidiaryReconnect()}: the library's re-open, skipped for managed clients. */
  static final Hook LIBRARY_REOPEN =
      onEnter(StreamHooks.class, "libraryReopen", THIS).skippingWhenTrue();

  /**
   * {@code SseSubscriber.onSubscribe(subscription)}, after: the stream can be ended from now on.
   */
  static final Hook SUBSCRIBED =
      onExit(StreamHooks.class, "subscribed", field("operationHandler"), THIS, field("subsidiary"));

  /** {@code SseSubscriber.onError(error)}: the stream failed. */
  static final Hook FAILED =
      onEnter(
          StreamHooks.class,
          "ended",
          field("operationHandler"),
          THIS,
          field("subsidiary"),
          argument(0));

  /** {@code SseSubscriber.onComplete()}: the stream ended cleanly. */
  static final Hook COMPLETED =
      onEnter(
          StreamHooks.class, "ended", field("operationHandler"), THIS, field("subsidiary"), NULL);
}
