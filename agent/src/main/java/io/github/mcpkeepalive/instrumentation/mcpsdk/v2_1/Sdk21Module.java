package io.github.mcpkeepalive.instrumentation.mcpsdk.v2_1;

import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkModule;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkRefs;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;

/**
 * MCP Java SDK 2.1 and later: the legacy SSE stream is read through {@code ResponseBodyHandlers}
 * and its error predicate is {@code (Throwable)}.
 */
public final class Sdk21Module extends SdkModule {

  private static final References REFERENCES = new References().include(SdkRefs.COMMON);

  static final MethodRef SSE_STREAM_ERROR = REFERENCES.lambda(SdkRefs.SSE_TRANSPORT, "connect", "java.lang.Throwable").isStatic(false).returning("boolean");

  public Sdk21Module() {
    super("mcp-java-sdk-2.1", REFERENCES, SSE_STREAM_ERROR);
  }
}
