package io.github.mcpkeepalive.instrumentation.webflux.common;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.AgentRuntime.Managed;
import io.github.mcpkeepalive.core.Connection;
import io.github.mcpkeepalive.core.ConnectionState;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkDriver;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkHooks;
import java.util.function.Consumer;

/**
 * Entry points called by the advice woven into the WebClient transports. What happens to the client
 * is the MCP Java SDK support's ({@link SdkHooks}); these hooks only translate what the WebClient
 * transports do differently. Every method catches everything.
 */
public final class WebFluxHooks {

  static final String LIBRARY = "mcp-spring-webflux";

  private WebFluxHooks() {}

  /**
   * Legacy SSE: the transport built its stream ({@code eventStream()} returned); its end, however
   * it comes, is reported as the SDK's HttpClient stream reports it. The transport has no handler
   * of its own for that.
   */
  public static Object sseStreamOpened(Object transport, Object flux) {
    try {
      if (flux == null) {
        return null;
      }
      Consumer<Object> ended = signal -> SdkHooks.sseStreamEnded(transport, signal);
      return WebFluxRefs.FLUX_DO_FINALLY.invoke(flux, ended);
    } catch (Throwable t) {
      internal("stream tracking", t);
      return flux;
    }
  }

  /**
   * Legacy SSE: the stream failed and the transport's retry handler is about to decide. For a
   * managed client the agent ends the stream instead (it is reconnected in place, with a new
   * session): left to itself the transport sends the GET again at once after an I/O error, which
   * opens a new session on the server whose {@code endpoint} event the transport cannot take, and
   * gives up for good after any other error. Returns whether the handler is skipped.
   */
  public static boolean sseStreamFailed(Object transport, Object retrySignal, Object sink) {
    try {
      Managed<SdkDriver> m = AgentRuntime.managed(transport, SdkDriver.class);
      WebFluxRefs refs = WebFluxModule.refsOf(transport.getClass());
      if (m == null
          || m.connection().state() == ConnectionState.NEW // the first connect: the SDK's retry
          || !m.driver().isAlive()
          || refs == null
          || Boolean.TRUE.equals(refs.sseClosing.get(transport))) {
        return false; // not managed, or closing: the transport's own handling
      }
      SdkHooks.streamError(transport, WebFluxRefs.RETRY_SIGNAL_FAILURE.invoke(retrySignal));
      WebFluxRefs.SYNCHRONOUS_SINK_COMPLETE.invoke(sink); // the stream ends; its end is reported
      return true;
    } catch (Throwable t) {
      internal("stream failure handling", t);
      return false;
    }
  }

  /**
   * A request of the transport was answered; its status goes where the SDK support reads it (a
   * 401/403 is named in the failure it causes: Spring AI 2.0's SSE transport fails a rejected GET
   * with a JSON decoding error that names no status).
   */
  public static void answered(Object transport, Object clientResponse) {
    try {
      Object status = WebFluxRefs.CLIENT_RESPONSE_STATUS.invoke(clientResponse);
      SdkHooks.answered(transport, (Integer) WebFluxRefs.STATUS_VALUE.invoke(status));
    } catch (Throwable t) {
      internal("response status tracking", t);
    }
  }

  /**
   * Spring's {@code ReactorResourceFactory} is stopped while its application context closes: the
   * application is shutting down the event loops of its WebClients (a Boot 3.5 application does so
   * before it closes its MCP clients). A stop for a pause (a CRaC checkpoint, {@code
   * context.stop()}) changes nothing. Keepalive ends for every WebClient-transport connection of
   * that class loader: a reconnect could only fail into the stopped event loops, and the streams
   * that die now are no lost connections.
   */
  public static void resourcesStopping(Object factory) {
    try {
      KeepaliveEngine engine = AgentRuntime.engine();
      if (engine == null) {
        return;
      }
      Object context = WebFluxRefs.RESOURCE_FACTORY_CONTEXT.get(factory);
      if (context == null || !Boolean.TRUE.equals(WebFluxRefs.CONTEXT_IS_CLOSED.invoke(context))) {
        return; // stopped for a pause (a CRaC checkpoint, context.stop()): started again later
      }
      ClassLoader loader = factory.getClass().getClassLoader();
      for (Connection c : engine.connections()) {
        if (c.driver() instanceof SdkDriver) {
          SdkDriver d = (SdkDriver) c.driver();
          Object tr = d.transport();
          if (d.access() instanceof WebFluxTransports.OnWebClient
              && tr != null
              && tr.getClass().getClassLoader() == loader) {
            engine.onClosed(c, ": it stops the Reactor Netty resources of its WebClients");
          }
        }
      }
    } catch (Throwable t) {
      internal("shutdown tracking", t);
    }
  }

  private static void internal(String what, Throwable t) {
    AgentRuntime.internalError(LIBRARY, what, t);
  }
}
