package io.github.mcpkeepalive.instrumentation.langchain4j.v1_11;

import io.github.mcpkeepalive.instrumentation.langchain4j.common.L4jModule;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.L4jRefs;
import io.github.mcpkeepalive.instrumentation.refs.References;
import java.util.List;

/**
 * langchain4j-mcp 1.11: the common hooks only. Its Streamable HTTP transport has no notification
 * stream, and only its tool list cache can be emptied.
 */
public final class L4j111Module extends L4jModule {

  private static final References REFERENCES = new References().include(L4jRefs.COMMON);

  public L4j111Module() {
    super("langchain4j-mcp-1.11", REFERENCES, List.of());
  }
}
