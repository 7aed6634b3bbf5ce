package io.github.mcpkeepalive.instrumentation.langchain4j.v1_12;

import static io.github.mcpkeepalive.instrumentation.weave.On.on;

import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.L4jModule;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.L4jRefs;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.SessionListener;
import io.github.mcpkeepalive.instrumentation.refs.References;
import io.github.mcpkeepalive.instrumentation.weave.On;
import java.util.List;

/**
 * langchain4j-mcp 1.12: the common hooks, and the GET notification stream a Streamable HTTP
 * application can enable ({@code subsidiaryChannel(true)}), kept by a {@link NotificationStream}.
 */
public class L4j112Module extends L4jModule {

  public L4j112Module() {
    this("langchain4j-mcp-1.12", StreamRefs.REFERENCES);
  }

  /** For a later range: its name and references ({@link StreamRefs#REFERENCES} and its own). */
  protected L4j112Module(String name, References references) {
    super(name, references, List.of(L4jRefs.SSE_SUBSCRIBER));
  }

  @Override
  protected final List<On> moreHooksFor(String typeName) {
    switch (typeName) {
      case L4jRefs.STREAMABLE_TRANSPORT:
        return List.of(
            on(StreamRefs.ANSWERED.matcher(), StreamAdvice.ANSWERED),
            on(StreamRefs.LIBRARY_REOPEN.matcher(), StreamAdvice.LIBRARY_REOPEN));
      case L4jRefs.SSE_SUBSCRIBER:
        return List.of(
            on(StreamRefs.ON_SUBSCRIBE.matcher(), StreamAdvice.SUBSCRIBED),
            on(StreamRefs.ON_ERROR.matcher(), StreamAdvice.FAILED),
            on(StreamRefs.ON_COMPLETE.matcher(), StreamAdvice.COMPLETED));
      default:
        return List.of();
    }
  }

  @Override
  public final SessionListener listenerFor(Object transport, Connection c, KeepaliveEngine engine)
      throws Throwable {
    return StreamHooks.manage(transport, c, engine);
  }
}
