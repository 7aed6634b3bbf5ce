package io.github.mcpkeepalive.instrumentation.mcpsdk.v2_1;

import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkModule;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkRefs;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;

/**
 * MCP Java SDK 2.1 and later: the legacy SSE stream is read through {@code ResponseBodyHandlers}
 * and its error predicate is {@code (Throwable)}; the POST response handler gets the {@code
 * HttpResponse} itself.
 */
public final class Sdk21Module extends SdkModule {

  private static final References REFERENCES = new References().include(SdkRefs.COMMON);

  static final MethodRef SSE_STREAM_ERROR =
      REFERENCES
          .lambda(SdkRefs.SSE_TRANSPORT, "connect", "java.lang.Throwable")
          .isStatic(false)
          .returning("boolean");

  static final MethodRef POST_RESPONSE =
      REFERENCES
          .lambda(
              SdkRefs.STREAMABLE_TRANSPORT,
              "sendMessage",
              "java.net.http.HttpRequest",
              "io.modelcontextprotocol.spec.McpTransportSession",
              "reactor.core.publisher.MonoSink",
              "io.modelcontextprotocol.spec.McpSchema$JSONRPCMessage",
              "java.net.http.HttpResponse")
          .isStatic(false);

  public Sdk21Module() {
    super("mcp-java-sdk-2.1", REFERENCES, SSE_STREAM_ERROR, POST_RESPONSE);
  }
}
