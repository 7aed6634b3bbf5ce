package io.github.mcpkeepalive.instrumentation.mcpsdk.v2_1;

import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkModule;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkRefs;
import io.github.mcpkeepalive.instrumentation.refs.FieldRef;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;
import io.github.mcpkeepalive.instrumentation.weave.Hook;
import io.github.mcpkeepalive.instrumentation.weave.On;
import java.util.List;

/**
 * MCP Java SDK 2.1 and later: the legacy SSE stream is read through {@code ResponseBodyHandlers}
 * and its error predicate is {@code (Throwable)}; the POST response handler gets the {@code
 * HttpResponse} itself, which lets the agent resume a response stream that ended or broke before
 * the response, and the GET that resumes it is built in a lambda that gets the SDK stream object it
 * resumes, where the agent watches its own GETs ({@link ResumableResponses}).
 */
public final class Sdk21Module extends SdkModule {

  static final String JSONRPC_REQUEST = "io.modelcontextprotocol.spec.McpSchema$JSONRPCRequest";
  static final String JSONRPC_RESPONSE = "io.modelcontextprotocol.spec.McpSchema$JSONRPCResponse";
  private static final String TRANSPORT_STREAM =
      "io.modelcontextprotocol.spec.DefaultMcpTransportStream";
  private static final String FLUX = "reactor.core.publisher.Flux";

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
          .isStatic(false)
          .returning("org.reactivestreams.Publisher");

  // resumption of a response stream (ResumableResponses)
  static final FieldRef RESUMABLE_STREAMS =
      REFERENCES.field(SdkRefs.STREAMABLE_TRANSPORT, "resumableStreams", "boolean");
  static final MethodRef REQUEST_ID = REFERENCES.method(JSONRPC_REQUEST, "id");
  static final MethodRef RESPONSE_ID = REFERENCES.method(JSONRPC_RESPONSE, "id");
  static final MethodRef TRANSPORT_STREAM_NEW =
      REFERENCES.constructor(TRANSPORT_STREAM, "boolean", "java.util.function.Function");
  static final FieldRef TRANSPORT_STREAM_LAST_ID =
      REFERENCES.field(TRANSPORT_STREAM, "lastId", "java.util.concurrent.atomic.AtomicReference");
  static final MethodRef FLUX_DO_ON_NEXT =
      REFERENCES.method(FLUX, "doOnNext", "java.util.function.Consumer").returning(FLUX);
  static final MethodRef FLUX_DO_ON_COMPLETE =
      REFERENCES.method(FLUX, "doOnComplete", "java.lang.Runnable").returning(FLUX);
  static final MethodRef FLUX_DO_ON_ERROR =
      REFERENCES.method(FLUX, "doOnError", "java.util.function.Consumer").returning(FLUX);

  /**
   * The GET of {@code reconnect(stream)} once its request is built: {@code (stream, builder)},
   * returning the GET's message stream (its failure to connect, its status error, its events).
   */
  static final MethodRef GET_SENT =
      REFERENCES
          .lambda(
              SdkRefs.STREAMABLE_TRANSPORT,
              "reconnect",
              "io.modelcontextprotocol.spec.McpTransportStream",
              "java.net.http.HttpRequest$Builder")
          .isStatic(false)
          .returning("org.reactivestreams.Publisher");

  public Sdk21Module() {
    super("mcp-java-sdk-2.1", REFERENCES, SSE_STREAM_ERROR, POST_RESPONSE);
  }

  @Override
  protected List<Hook> postResponseHooks() {
    return Sdk21Advice.POST_RESPONSE;
  }

  @Override
  protected List<On> moreStreamableTransportHooks() {
    return List.of(On.on(GET_SENT.matcher(), Sdk21Advice.GET_SENT));
  }
}
