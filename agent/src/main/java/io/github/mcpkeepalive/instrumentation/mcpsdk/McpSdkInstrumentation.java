package io.github.mcpkeepalive.instrumentation.mcpsdk;

import static io.github.mcpkeepalive.instrumentation.LibraryInstrumentation.advice;
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
import io.github.mcpkeepalive.instrumentation.LibraryInstrumentation;
import java.util.List;
import java.util.regex.Pattern;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Type and method matchers for the MCP Java SDK 2.0.x/2.1.x client. Classes of other SDK versions
 * are not touched (one log line per class loader).
 */
public final class McpSdkInstrumentation extends LibraryInstrumentation {

  /** The SDK versions supported: 2.0.x (Spring AI 2.0) and 2.1.x; others are left alone. */
  static final LibraryVersion VERSION =
      new LibraryVersion("MCP Java SDK", "io.modelcontextprotocol.sdk", "mcp-core,mcp", "io.modelcontextprotocol.client.McpAsyncClient", Pattern.compile("(0\\.1[678]|1\\.[01]|2\\.[01])\\.\\d+([.-].*)?"), "0.16.x to 2.1.x");

  public static final String DESCRIPTION = "MCP Java SDK " + VERSION.supportedText() + " (HttpClientSseClientTransport, HttpClientStreamableHttpTransport)";

  private static final String ASYNC_CLIENT = "io.modelcontextprotocol.client.McpAsyncClient";
  private static final String SYNC_CLIENT = "io.modelcontextprotocol.client.McpSyncClient";
  private static final String INITIALIZER = "io.modelcontextprotocol.client.LifecycleInitializer";
  private static final String SESSION = "io.modelcontextprotocol.spec.McpClientSession";

  private static final String SIGNAL_TYPE = "reactor.core.publisher.SignalType";

  public static final McpSdkInstrumentation INSTANCE = new McpSdkInstrumentation();

  private McpSdkInstrumentation() {
    super(VERSION, DESCRIPTION, List.of(ASYNC_CLIENT, SYNC_CLIENT, INITIALIZER, SESSION, SdkHooks.SSE_TRANSPORT, SdkHooks.STREAMABLE_TRANSPORT));
  }

  @Override
  public List<On> adviceFor(String typeName) {
    switch (typeName) {
      case ASYNC_CLIENT:
        return List.of(
            advice(SdkAdvice.AsyncClientCreated.class, isConstructor()),
            advice(SdkAdvice.AsyncClientUsed.class, requestMethod()),
            advice(SdkAdvice.ClientClosed.class, named("close").or(named("closeGracefully")).and(takesArguments(0))));
      case SYNC_CLIENT:
        return List.of(advice(SdkAdvice.SyncClientCreated.class, isConstructor()));
      case INITIALIZER:
        return List.of(advice(SdkAdvice.WithInitialization.class, named("withInitialization").and(takesArguments(2))));
      case SESSION:
        return List.of(advice(SdkAdvice.MessageRead.class, named("handle").and(takesArguments(1)).and(not(isStatic()))));
      case SdkHooks.SSE_TRANSPORT:
        return List.of(
            advice(SdkAdvice.SseStreamEnded.class, lambdaOf("connect").and(takesArguments(1)).and(takesArgument(0, named(SIGNAL_TYPE))).and(not(isStatic()))),
            advice(SdkAdvice.StreamError.class, streamErrorPredicate("connect")));
      case SdkHooks.STREAMABLE_TRANSPORT:
        return List.of(
            advice(SdkAdvice.GetStreamOpening.class, named("reconnect").and(takesArguments(1)).and(not(isStatic()))),
            advice(SdkAdvice.GetStreamEnded.class, lambdaOf("reconnect").and(isStatic()).and(takesArguments(3)).and(takesArgument(2, named(SIGNAL_TYPE)))),
            advice(SdkAdvice.StreamError.class, streamErrorPredicate("reconnect")));
      default:
        return List.of();
    }
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
