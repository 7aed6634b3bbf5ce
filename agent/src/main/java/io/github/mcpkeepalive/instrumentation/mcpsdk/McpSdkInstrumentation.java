package io.github.mcpkeepalive.instrumentation.mcpsdk;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.github.mcpkeepalive.core.LibraryVersion;
import java.util.regex.Pattern;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Type and method matchers for the MCP Java SDK 2.0.x/2.1.x client. Classes of other SDK versions
 * are not touched (one log line per class loader).
 */
public final class McpSdkInstrumentation {

  /** The SDK versions supported: 2.0.x (Spring AI 2.0) and 2.1.x; others are left alone. */
  static final LibraryVersion VERSION =
      new LibraryVersion("MCP Java SDK", "io.modelcontextprotocol.sdk", "mcp-core", "io.modelcontextprotocol.client.McpAsyncClient", Pattern.compile("2\\.[01]\\.\\d+([.-].*)?"), "2.0.x, 2.1.x");

  public static final String DESCRIPTION = "MCP Java SDK " + VERSION.supportedText() + " (HttpClientSseClientTransport, HttpClientStreamableHttpTransport)";

  private static final String CLIENT = "io.modelcontextprotocol.client.";
  private static final String SIGNAL_TYPE = "reactor.core.publisher.SignalType";

  private McpSdkInstrumentation() {}

  /** The class-name prefix outside which nothing is matched. */
  public static final String PACKAGE_PREFIX = "io.modelcontextprotocol.";

  public static AgentBuilder apply(AgentBuilder builder) {
    ElementMatcher<ClassLoader> supported = VERSION::supported;
    return builder
        .type(named(CLIENT + "McpAsyncClient"), supported)
        .transform(
            (b, type, loader, module, pd) ->
                b.visit(Advice.to(SdkAdvice.AsyncClientCreated.class).on(isConstructor()))
                    .visit(Advice.to(SdkAdvice.AsyncClientUsed.class).on(requestMethod()))
                    .visit(Advice.to(SdkAdvice.ClientClosed.class).on(named("close").or(named("closeGracefully")).and(takesArguments(0)))))
        .type(named(CLIENT + "McpSyncClient"), supported)
        .transform((b, type, loader, module, pd) -> b.visit(Advice.to(SdkAdvice.SyncClientCreated.class).on(isConstructor())))
        .type(named(CLIENT + "LifecycleInitializer"), supported)
        .transform(
            (b, type, loader, module, pd) ->
                b.visit(Advice.to(SdkAdvice.WithInitialization.class).on(named("withInitialization").and(takesArguments(2)))))
        .type(named("io.modelcontextprotocol.spec.McpClientSession"), supported)
        .transform(
            (b, type, loader, module, pd) ->
                b.visit(Advice.to(SdkAdvice.MessageRead.class).on(named("handle").and(takesArguments(1)).and(not(isStatic())))))
        .type(named(SdkHooks.SSE_TRANSPORT), supported)
        .transform(
            (b, type, loader, module, pd) ->
                b.visit(Advice.to(SdkAdvice.SseStreamEnded.class).on(lambdaOf("connect").and(takesArguments(1)).and(takesArgument(0, named(SIGNAL_TYPE))).and(not(isStatic()))))
                    .visit(Advice.to(SdkAdvice.StreamError.class).on(streamErrorPredicate("connect"))))
        .type(named(SdkHooks.STREAMABLE_TRANSPORT), supported)
        .transform(
            (b, type, loader, module, pd) ->
                b.visit(Advice.to(SdkAdvice.GetStreamOpening.class).on(named("reconnect").and(takesArguments(1)).and(not(isStatic()))))
                    .visit(Advice.to(SdkAdvice.GetStreamEnded.class).on(lambdaOf("reconnect").and(isStatic()).and(takesArguments(3)).and(takesArgument(2, named(SIGNAL_TYPE)))))
                    .visit(Advice.to(SdkAdvice.StreamError.class).on(streamErrorPredicate("reconnect"))));
  }

  /** The client's public request methods (they return a Mono), where a late attach finds it. */
  private static ElementMatcher.Junction<MethodDescription> requestMethod() {
    return isPublic().and(not(isStatic())).and(returns(named("reactor.core.publisher.Mono"))).and(not(nameStartsWith("close")));
  }

  private static ElementMatcher.Junction<MethodDescription> lambdaOf(String method) {
    return nameStartsWith("lambda$" + method + "$");
  }

  /**
   * The transport's {@code onErrorComplete} predicate: {@code (Throwable)} in 2.1.x and for the
   * Streamable HTTP transport of 2.0.x; {@code (MonoSink, Throwable)} for the legacy SSE transport
   * of 2.0.x.
   */
  private static ElementMatcher.Junction<MethodDescription> streamErrorPredicate(String method) {
    return lambdaOf(method)
        .and(not(isStatic()))
        .and(returns(boolean.class))
        .and(takesArguments(Throwable.class).or(takesArguments(2).and(takesArgument(1, Throwable.class))));
  }
}
