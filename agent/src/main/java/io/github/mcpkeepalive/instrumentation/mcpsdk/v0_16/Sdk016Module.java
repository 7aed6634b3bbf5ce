package io.github.mcpkeepalive.instrumentation.mcpsdk.v0_16;

import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkModule;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkRefs;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;

/**
 * MCP Java SDK 0.16 up to 1.1 (Spring AI 1.0.7+ and 1.1.x): the legacy SSE stream's error predicate
 * is {@code (MonoSink, Throwable)}; a POST's response reaches its handler as a {@code
 * ResponseEvent} whose text has no status code (a 401 reads "Failed to send message:
 * AggregateResponseEvent[responseInfo=…@1a2b, …]"), so the agent reads the status there.
 */
public final class Sdk016Module extends SdkModule {

  private static final References REFERENCES =
      new References().include(SdkRefs.COMMON).include(SdkRefs.RESPONSE_EVENTS);

  static final MethodRef SSE_STREAM_ERROR = SdkRefs.sseStreamErrorWithSink(REFERENCES);

  static final MethodRef POST_RESPONSE = SdkRefs.postResponseHandlerOfEvent(REFERENCES);

  public Sdk016Module() {
    super("mcp-java-sdk-0.16", REFERENCES, SSE_STREAM_ERROR, POST_RESPONSE);
  }
}
