package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import static io.github.mcpkeepalive.instrumentation.weave.On.on;

import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.instrumentation.InstrumentationModule;
import io.github.mcpkeepalive.instrumentation.refs.References;
import io.github.mcpkeepalive.instrumentation.weave.On;
import java.util.ArrayList;
import java.util.List;

/**
 * What every version range of the langchain4j-mcp support weaves: the same hooks on the same
 * members ({@link L4jRefs}). A range adds what its versions add: the GET notification stream
 * (1.12), list caches that can all be emptied (1.13).
 */
public abstract class L4jModule extends InstrumentationModule {

  private static final List<String> TYPES =
      List.of(
          L4jRefs.CLIENT,
          L4jRefs.OPERATION_HANDLER,
          L4jRefs.SSE_TRANSPORT,
          L4jRefs.SSE_LISTENER,
          L4jRefs.STREAMABLE_TRANSPORT);

  /**
   * @param name the range, for log lines
   * @param references {@link L4jRefs#COMMON} plus the range's own
   * @param moreTypes classes only this range weaves
   */
  protected L4jModule(String name, References references, List<String> moreTypes) {
    super(name, references, concat(TYPES, moreTypes));
  }

  @Override
  public final List<On> hooksFor(String typeName) {
    List<On> on = new ArrayList<>();
    switch (typeName) {
      case L4jRefs.CLIENT:
        on.add(
            on(
                L4jRefs.CLIENT_CONSTRUCTOR.matcher(),
                L4jAdvice.CLIENT_CREATING,
                L4jAdvice.CLIENT_CREATED));
        on.add(on(L4jRefs.CLIENT_CLOSE.matcher(), L4jAdvice.CLIENT_CLOSED));
        on.add(on(L4jRefs.CLIENT_RECONNECT.matcher(), L4jAdvice.LIBRARY_RECONNECT));
        break;
      case L4jRefs.OPERATION_HANDLER:
        on.add(on(L4jRefs.HANDLER_HANDLE.matcher(), L4jAdvice.MESSAGE_READ));
        break;
      case L4jRefs.SSE_TRANSPORT:
        on.add(on(L4jRefs.SSE_ON_FAILURE.matcher(), L4jAdvice.FAILURE_HANDLER));
        on.add(
            on(L4jRefs.SSE_REQUEST.matcher(), L4jAdvice.REQUEST_STARTING, L4jAdvice.REQUEST_SENT));
        break;
      case L4jRefs.SSE_LISTENER:
        on.add(on(L4jRefs.LISTENER_FAILED.matcher(), L4jAdvice.SSE_FAILED));
        on.add(on(L4jRefs.LISTENER_CLOSED.matcher(), L4jAdvice.SSE_CLOSED));
        break;
      case L4jRefs.STREAMABLE_TRANSPORT:
        on.add(on(L4jRefs.HTTP_RESPONSE_STATUS.matcher(), L4jAdvice.RESPONSE_STATUS));
        on.add(
            on(L4jRefs.HTTP_REQUEST.matcher(), L4jAdvice.REQUEST_STARTING, L4jAdvice.REQUEST_SENT));
        on.add(
            on(
                L4jRefs.HTTP_INITIALIZE.matcher(),
                L4jAdvice.INITIALIZE_STARTING,
                L4jAdvice.SESSION_INITIALIZING));
        break;
      default:
        break;
    }
    on.addAll(moreHooksFor(typeName));
    return on;
  }

  /** The advice this range adds for {@code typeName}. */
  protected List<On> moreHooksFor(String typeName) {
    return List.of();
  }

  /** The list caches this range empties after every new session. */
  public ListCaches listCaches() {
    return ListCaches.TOOLS;
  }

  /**
   * What this range keeps for a client just registered, told of its session's events (from 1.12,
   * the notification stream the application enabled), or null.
   */
  public SessionListener listenerFor(Object transport, Connection c, KeepaliveEngine engine)
      throws Throwable {
    return null;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
