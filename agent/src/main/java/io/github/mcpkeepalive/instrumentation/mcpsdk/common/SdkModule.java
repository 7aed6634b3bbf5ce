package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import static io.github.mcpkeepalive.instrumentation.weave.On.on;

import io.github.mcpkeepalive.instrumentation.InstrumentationModule;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;
import io.github.mcpkeepalive.instrumentation.weave.Hook;
import io.github.mcpkeepalive.instrumentation.weave.MethodMatcher;
import io.github.mcpkeepalive.instrumentation.weave.On;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Opcodes;

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
  public final List<On> hooksFor(String typeName) {
    List<On> on = new ArrayList<>();
    switch (typeName) {
      case SdkRefs.ASYNC_CLIENT:
        on.add(on(SdkRefs.ASYNC_CLIENT_CONSTRUCTORS.matcher(), SdkAdvice.ASYNC_CLIENT_CREATED));
        on.add(on(requestMethod(), SdkAdvice.ASYNC_CLIENT_USED));
        on.add(
            on(
                SdkRefs.ASYNC_CLOSE.matcher().or(SdkRefs.ASYNC_CLOSE_GRACEFULLY.matcher()),
                SdkAdvice.CLIENT_CLOSED));
        break;
      case SdkRefs.SYNC_CLIENT:
        on.add(on(SdkRefs.SYNC_CLIENT_CONSTRUCTORS.matcher(), SdkAdvice.SYNC_CLIENT_CREATED));
        break;
      case SdkRefs.INITIALIZER:
        on.add(on(SdkRefs.WITH_INITIALIZATION.matcher(), SdkAdvice.WITH_INITIALIZATION));
        break;
      case SdkRefs.SESSION:
        on.add(on(SdkRefs.SESSION_HANDLE.matcher(), SdkAdvice.MESSAGE_READ));
        break;
      case SdkRefs.SSE_TRANSPORT:
        on.add(on(SdkRefs.SSE_STREAM_FINALLY.matcher(), SdkAdvice.SSE_STREAM_ENDED));
        on.add(on(sseStreamError.matcher(), SdkAdvice.STREAM_ERROR));
        break;
      case SdkRefs.STREAMABLE_TRANSPORT:
        on.add(on(SdkRefs.HTTP_OPEN_GET_STREAM.matcher(), SdkAdvice.GET_STREAM_OPENING));
        on.add(on(SdkRefs.HTTP_GET_STREAM_FINALLY.matcher(), SdkAdvice.GET_STREAM_ENDED));
        on.add(on(SdkRefs.HTTP_GET_STREAM_ERROR.matcher(), SdkAdvice.STREAM_ERROR));
        on.add(new On(postResponseHandler.matcher(), postResponseHooks()));
        on.addAll(moreStreamableTransportHooks());
        break;
      default:
        break;
    }
    return on;
  }

  /** The hooks on the POST response handler: by default, its status is read. */
  protected List<Hook> postResponseHooks() {
    return List.of(SdkAdvice.POST_ANSWERED);
  }

  /** What a range alone weaves into the Streamable HTTP transport besides; by default nothing. */
  protected List<On> moreStreamableTransportHooks() {
    return List.of();
  }

  /**
   * The client's public request methods (they return a Mono), where a client created before a late
   * attach is found; {@link SdkRefs#ASYNC_PING} proves the shape.
   */
  private static MethodMatcher requestMethod() {
    return (access, name, descriptor) ->
        (access & (Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC)) == Opcodes.ACC_PUBLIC
            && descriptor.endsWith(")Lreactor/core/publisher/Mono;")
            && !name.startsWith("close");
  }
}
