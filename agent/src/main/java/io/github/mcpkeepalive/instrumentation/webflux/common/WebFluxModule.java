package io.github.mcpkeepalive.instrumentation.webflux.common;

import static io.github.mcpkeepalive.instrumentation.weave.On.on;

import io.github.mcpkeepalive.core.LibraryVersion;
import io.github.mcpkeepalive.instrumentation.InstrumentationModule;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkAdvice;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkTransport;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.weave.On;
import java.util.ArrayList;
import java.util.List;

/**
 * One range of the WebClient transports: the two classes of one package ({@link WebFluxRefs}). The
 * Streamable HTTP transport gets the MCP Java SDK support's own advice (same shapes as the SDK's
 * HttpClient transport); the legacy SSE transport, which has no end-of-stream handler, gets its
 * stream wrapped and its retry handler taken over.
 */
public abstract class WebFluxModule extends InstrumentationModule {

  private final WebFluxRefs refs;
  private final MethodRef sseResponse;
  private WebFluxTransports transports;

  /**
   * @param refs the range's references
   * @param sseResponse where the range's SSE transport gets the GET's {@code ClientResponse} (its
   *     only argument), when the range reads the body itself instead of with {@code retrieve()}
   *     (whose errors name the status): the agent reads a 401/403 there; null otherwise
   * @param watchesResourceFactory whether the range's applications (Spring Boot 3.5) stop Spring's
   *     {@code ReactorResourceFactory}, and with it the event loops of every WebClient, before they
   *     close their MCP clients: keepalive for them ends there, instead of reconnecting into a
   *     stopped event loop during the application's shutdown
   */
  protected WebFluxModule(
      String name, WebFluxRefs refs, MethodRef sseResponse, boolean watchesResourceFactory) {
    super(
        name,
        refs.references,
        watchesResourceFactory
            ? List.of(
                refs.sseTransport, refs.streamableTransport, WebFluxRefs.RESOURCE_FACTORY_CLASS)
            : List.of(refs.sseTransport, refs.streamableTransport));
    this.refs = refs;
    this.sseResponse = sseResponse;
  }

  /** The references of the range applied to the transport class {@code type}, or null. */
  static WebFluxRefs refsOf(Class<?> type) {
    WebFluxModule m = WebFluxInstrumentation.appliedTo(type);
    return m == null ? null : m.refs;
  }

  final boolean weaves(String typeName) {
    return typeNames().contains(typeName);
  }

  /** Called once by the library support that owns this range. */
  final void versionedBy(LibraryVersion version) {
    this.transports = new WebFluxTransports(refs, version);
  }

  /** How the MCP Java SDK support reaches a transport of this range, or null for another class. */
  final SdkTransport transportFor(String typeName) {
    if (typeName.equals(refs.sseTransport)) {
      return transports.sse;
    }
    return typeName.equals(refs.streamableTransport) ? transports.streamable : null;
  }

  @Override
  public final List<On> hooksFor(String typeName) {
    List<On> on = new ArrayList<>();
    if (typeName.equals(refs.sseTransport)) {
      on.add(on(refs.sseEventStream.matcher(), WebFluxAdvice.SSE_STREAM_OPENED));
      on.add(on(refs.sseRetryHandler.matcher(), WebFluxAdvice.SSE_STREAM_FAILED));
      if (sseResponse != null) {
        on.add(on(sseResponse.matcher(), WebFluxAdvice.SSE_ANSWERED));
      }
    } else if (typeName.equals(WebFluxRefs.RESOURCE_FACTORY_CLASS)) {
      on.add(on(WebFluxRefs.RESOURCE_FACTORY_STOP.matcher(), WebFluxAdvice.RESOURCES_STOPPING));
    } else if (typeName.equals(refs.streamableTransport)) {
      on.add(on(refs.httpOpenGetStream.matcher(), SdkAdvice.GET_STREAM_OPENING));
      on.add(on(refs.httpGetStreamFinally.matcher(), SdkAdvice.GET_STREAM_ENDED));
      on.add(on(refs.httpGetStreamError.matcher(), SdkAdvice.STREAM_ERROR));
      on.add(on(refs.httpPostResponse.matcher(), WebFluxAdvice.POST_ANSWERED));
    }
    return on;
  }
}
