package io.github.mcpkeepalive.instrumentation.langchain4j.v1_12;

import io.github.mcpkeepalive.instrumentation.langchain4j.common.L4jRefs;
import io.github.mcpkeepalive.instrumentation.refs.FieldRef;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;

/**
 * What the notification stream's support relies on, on top of {@link L4jRefs#COMMON}: the members
 * of {@code StreamableHttpMcpTransport} that open, re-open and answer the GET stream ({@code
 * subsidiaryChannel}, 1.12 and later), and those of the {@code SseSubscriber} that reads it.
 */
public final class StreamRefs {

  private static final String TRANSPORT = L4jRefs.STREAMABLE_TRANSPORT;
  private static final String SUBSCRIBER = L4jRefs.SSE_SUBSCRIBER;
  private static final String FUTURE = "java.util.concurrent.CompletableFuture";
  private static final String SUBSCRIPTION = "java.util.concurrent.Flow$Subscription";

  /** The references of the 1.12 range and later: the common ones and the stream's. */
  public static final References REFERENCES = new References().include(L4jRefs.COMMON);

  // the transport: whether the application enabled the stream, whether one was ever accepted; the
  // library's re-open (the agent's too), its delayed re-open (skipped), and the answer to a GET
  public static final FieldRef ENABLED =
      REFERENCES.field(TRANSPORT, "subsidiaryChannelEnabled", "boolean");
  public static final FieldRef ESTABLISHED =
      REFERENCES.field(TRANSPORT, "subsidiaryChannelEstablished", "boolean");
  public static final MethodRef OPEN =
      REFERENCES.method(TRANSPORT, "startSubsidiaryChannel", "boolean").returning(FUTURE);
  public static final MethodRef LIBRARY_REOPEN =
      REFERENCES.method(TRANSPORT, "scheduleSubsidiaryReconnect").returning("void");

  /**
   * The response handler of the stream's GET: {@code (result, subscriber, firstAttempt,
   * ResponseInfo)}.
   */
  public static final MethodRef ANSWERED =
      REFERENCES
          .lambda(
              TRANSPORT,
              "startSubsidiaryChannel",
              FUTURE,
              SUBSCRIBER,
              "boolean",
              L4jRefs.RESPONSE_INFO)
          .isStatic(false);

  // the subscriber: a stream's (not a POST answer's), its handler, its subscription, its end
  public static final FieldRef SUBSIDIARY = REFERENCES.field(SUBSCRIBER, "subsidiary", "boolean");
  public static final FieldRef HANDLER =
      REFERENCES.field(SUBSCRIBER, "operationHandler", L4jRefs.OPERATION_HANDLER);
  public static final FieldRef SUBSCRIPTION_FIELD =
      REFERENCES.field(SUBSCRIBER, "subscription", SUBSCRIPTION);
  public static final MethodRef ON_SUBSCRIBE =
      REFERENCES.method(SUBSCRIBER, "onSubscribe", SUBSCRIPTION);
  public static final MethodRef ON_ERROR =
      REFERENCES.method(SUBSCRIBER, "onError", "java.lang.Throwable");
  public static final MethodRef ON_COMPLETE = REFERENCES.method(SUBSCRIBER, "onComplete");

  private StreamRefs() {}
}
