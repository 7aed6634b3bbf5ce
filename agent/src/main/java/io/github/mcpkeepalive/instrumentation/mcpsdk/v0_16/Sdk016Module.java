package io.github.mcpkeepalive.instrumentation.mcpsdk.v0_16;

import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkModule;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkRefs;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;

/**
 * MCP Java SDK 0.16 up to 2.0 (Spring AI 1.0.7+, 1.1.x and 2.0.x): the legacy SSE stream's error
 * predicate is {@code (MonoSink, Throwable)}, the stream being read through {@code ResponseSubscribers}.
 */
public final class Sdk016Module extends SdkModule {

  private static final References REFERENCES = new References().include(SdkRefs.COMMON);

  static final MethodRef SSE_STREAM_ERROR =
      REFERENCES.lambda(SdkRefs.SSE_TRANSPORT, "connect", "reactor.core.publisher.MonoSink", "java.lang.Throwable").isStatic(false).returning("boolean");

  public Sdk016Module() {
    super("mcp-java-sdk-0.16", REFERENCES, SSE_STREAM_ERROR);
  }
}
