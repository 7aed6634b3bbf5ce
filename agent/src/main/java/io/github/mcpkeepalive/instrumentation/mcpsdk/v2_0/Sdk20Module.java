package io.github.mcpkeepalive.instrumentation.mcpsdk.v2_0;

import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkModule;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkRefs;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;

/**
 * MCP Java SDK 2.0 (Spring AI 2.0): the legacy SSE stream's error predicate is still {@code
 * (MonoSink, Throwable)}; the POST response handler takes the request builder first.
 */
public final class Sdk20Module extends SdkModule {

  private static final References REFERENCES =
      new References().include(SdkRefs.COMMON).include(SdkRefs.RESPONSE_EVENTS);

  static final MethodRef SSE_STREAM_ERROR = SdkRefs.sseStreamErrorWithSink(REFERENCES);

  static final MethodRef POST_RESPONSE =
      SdkRefs.postResponseHandlerOfEvent(REFERENCES, "java.net.http.HttpRequest$Builder");

  public Sdk20Module() {
    super("mcp-java-sdk-2.0", REFERENCES, SSE_STREAM_ERROR, POST_RESPONSE);
  }
}
