package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;

import io.github.mcpkeepalive.instrumentation.InstrumentationModule;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * What every version range of the MCP Java SDK support weaves: the same hooks on the same members
 * ({@link SdkRefs}). A range adds the members where its versions differ: the shape of the legacy
 * SSE stream's error predicate and of the Streamable HTTP transport's POST response handler.
 */
public abstract class SdkModule extends InstrumentationModule {

  private final MethodRef sseStreamError;
  private final MethodRef postResponseHandler;

  /**
   * @param name the range, for log lines
   * @param references {@link SdkRefs#COMMON} plus the range's own
   * @param sseStreamError the legacy SSE stream's {@code onErrorComplete} predicate in this range
   * @param postResponseHandler the Streamable HTTP transport's handler of a POST's response (its
   *     last parameter is the response), where the agent reads the status that some versions leave
   *     out of their error messages
   */
  protected SdkModule(
      String name, References references, MethodRef sseStreamError, MethodRef postResponseHandler) {
    super(
        name,
        references,
        List.of(
            SdkRefs.ASYNC_CLIENT,
            SdkRefs.SYNC_CLIENT,
            SdkRefs.INITIALIZER,
            SdkRefs.SESSION,
            SdkRefs.SSE_TRANSPORT,
            SdkRefs.STREAMABLE_TRANSPORT));
    this.sseStreamError = sseStreamError;
    this.postResponseHandler = postResponseHandler;
  }

  @Override
  public final List<On> adviceFor(String typeName) {
    List<On> on = new ArrayList<>();
    switch (typeName) {
      case SdkRefs.ASYNC_CLIENT:
        on.add(
            advice(
                SdkAdvice.AsyncClientCreated.class, SdkRefs.ASYNC_CLIENT_CONSTRUCTORS.matcher()));
        on.add(advice(SdkAdvice.AsyncClientUsed.class, requestMethod()));
        on.add(
            advice(
                SdkAdvice.ClientClosed.class,
                SdkRefs.ASYNC_CLOSE.matcher().or(SdkRefs.ASYNC_CLOSE_GRACEFULLY.matcher())));
        break;
      case SdkRefs.SYNC_CLIENT:
        on.add(
            advice(SdkAdvice.SyncClientCreated.class, SdkRefs.SYNC_CLIENT_CONSTRUCTORS.matcher()));
        break;
      case SdkRefs.INITIALIZER:
        on.add(advice(SdkAdvice.WithInitialization.class, SdkRefs.WITH_INITIALIZATION.matcher()));
        break;
      case SdkRefs.SESSION:
        on.add(advice(SdkAdvice.MessageRead.class, SdkRefs.SESSION_HANDLE.matcher()));
        break;
      case SdkRefs.SSE_TRANSPORT:
        on.add(advice(SdkAdvice.SseStreamEnded.class, SdkRefs.SSE_STREAM_FINALLY.matcher()));
        on.add(advice(SdkAdvice.StreamError.class, sseStreamError.matcher()));
        break;
      case SdkRefs.STREAMABLE_TRANSPORT:
        on.add(advice(SdkAdvice.GetStreamOpening.class, SdkRefs.HTTP_OPEN_GET_STREAM.matcher()));
        on.add(advice(SdkAdvice.GetStreamEnded.class, SdkRefs.HTTP_GET_STREAM_FINALLY.matcher()));
        on.add(advice(SdkAdvice.StreamError.class, SdkRefs.HTTP_GET_STREAM_ERROR.matcher()));
        on.add(advice(postResponseAdvice(), postResponseHandler.matcher()));
        break;
      default:
        break;
    }
    return on;
  }

  /** The advice on the POST response handler: by default, its status is read. */
  protected Class<?> postResponseAdvice() {
    return SdkAdvice.PostAnswered.class;
  }

  /**
   * The client's public request methods (they return a Mono), where a client created before a late
   * attach is found; {@link SdkRefs#ASYNC_PING} proves the shape.
   */
  private static ElementMatcher.Junction<MethodDescription> requestMethod() {
    return isPublic()
        .and(not(isStatic()))
        .and(returns(named("reactor.core.publisher.Mono")))
        .and(not(nameStartsWith("close")));
  }
}
