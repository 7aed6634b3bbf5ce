package io.github.mcpkeepalive.instrumentation.langchain4j.v1_12;

import net.bytebuddy.asm.Advice;

/**
 * The advice of the notification stream's support (1.12 and later). Each body is one call into
 * {@link StreamHooks}; the fields read by name are declared in {@link StreamRefs}.
 */
public final class StreamAdvice {

  private StreamAdvice() {}

  /** The response handler of the stream's GET: {@code (result, subscriber, firstAttempt, info)}. */
  public static final class Answered {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.This Object transport,
        @Advice.Argument(1) Object subscriber,
        @Advice.Argument(3) Object info) {
      StreamHooks.answered(transport, subscriber, info);
    }
  }

  /**
   * {@code scheduleSubsidiaryReconnect()}: the library's re-open after 5 s, skipped for managed
   * clients.
   */
  public static final class LibraryReopen {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.This Object transport) {
      return StreamHooks.libraryReopen(transport);
    }
  }

  /**
   * {@code SseSubscriber.onSubscribe(subscription)}, after: the stream can be ended from now on.
   */
  public static final class Subscribed {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.This Object subscriber,
        @Advice.FieldValue("operationHandler") Object handler,
        @Advice.FieldValue("subsidiary") boolean stream) {
      StreamHooks.subscribed(handler, subscriber, stream);
    }
  }

  /** {@code SseSubscriber.onError(error)}: the stream failed. */
  public static final class Failed {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.This Object subscriber,
        @Advice.FieldValue("operationHandler") Object handler,
        @Advice.FieldValue("subsidiary") boolean stream,
        @Advice.Argument(0) Throwable error) {
      StreamHooks.ended(handler, subscriber, stream, error);
    }
  }

  /** {@code SseSubscriber.onComplete()}: the stream ended cleanly. */
  public static final class Completed {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.This Object subscriber,
        @Advice.FieldValue("operationHandler") Object handler,
        @Advice.FieldValue("subsidiary") boolean stream) {
      StreamHooks.ended(handler, subscriber, stream, null);
    }
  }
}
