package io.github.mcpkeepalive.instrumentation.langchain4j;

import static io.github.mcpkeepalive.instrumentation.LibraryInstrumentation.advice;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.github.mcpkeepalive.core.LibraryVersion;
import io.github.mcpkeepalive.instrumentation.LibraryInstrumentation;
import java.util.List;
import java.util.regex.Pattern;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Type and method matchers for langchain4j-mcp 1.11.x ({@code DefaultMcpClient} over {@code
 * HttpMcpTransport} and {@code StreamableHttpMcpTransport}). Other versions are not touched (one log
 * line per class loader).
 */
public final class Langchain4jInstrumentation extends LibraryInstrumentation {

  private static final String PACKAGE_PREFIX = "dev.langchain4j.mcp.";
  private static final String OPERATION_HANDLER = PACKAGE_PREFIX + "client.transport.McpOperationHandler";
  private static final String SSE_LISTENER = PACKAGE_PREFIX + "client.transport.http.SseEventListener";

  static final LibraryVersion VERSION =
      new LibraryVersion("langchain4j-mcp", "dev.langchain4j", "langchain4j-mcp", L4jHooks.CLIENT, Pattern.compile("1\\.1[1-8]\\.\\d+(-beta\\d+)?"), "1.11.x to 1.18.x");

  public static final String DESCRIPTION = "langchain4j-mcp " + VERSION.supportedText() + " (HttpMcpTransport, StreamableHttpMcpTransport)";

  public static final Langchain4jInstrumentation INSTANCE = new Langchain4jInstrumentation();

  private Langchain4jInstrumentation() {
    super(VERSION, DESCRIPTION, List.of(L4jHooks.CLIENT, OPERATION_HANDLER, L4jHooks.SSE_TRANSPORT, SSE_LISTENER, L4jHooks.STREAMABLE_TRANSPORT));
  }

  @Override
  public List<On> adviceFor(String typeName) {
    switch (typeName) {
      case L4jHooks.CLIENT:
        return List.of(
            advice(L4jAdvice.ClientCreating.class, L4jAdvice.ClientCreated.class, isConstructor().and(takesArguments(1))),
            advice(L4jAdvice.ClientClosed.class, named("close").and(takesArguments(0))),
            advice(L4jAdvice.LibraryReconnect.class, named("triggerReconnection").and(takesArguments(0))));
      case OPERATION_HANDLER:
        return List.of(advice(L4jAdvice.MessageRead.class, named("handle").and(takesArguments(1))));
      case L4jHooks.SSE_TRANSPORT:
        return List.of(
            advice(L4jAdvice.FailureHandler.class, named("onFailure").and(takesArguments(Runnable.class))),
            advice(L4jAdvice.RequestSent.class, requestWithResponse()));
      case SSE_LISTENER:
        return List.of(
            advice(L4jAdvice.SseFailed.class, named("onFailure").and(takesArguments(3))),
            advice(L4jAdvice.SseClosed.class, named("onClosed").and(takesArguments(1))));
      case L4jHooks.STREAMABLE_TRANSPORT:
        return List.of(
            advice(L4jAdvice.ResponseStatus.class, nameStartsWith("lambda$execute$").and(takesArguments(5)).and(takesArgument(4, named("java.net.http.HttpResponse$ResponseInfo")))),
            advice(L4jAdvice.RequestSent.class, requestWithResponse()));
      default:
        return List.of();
    }
  }

  /** {@code executeOperationWithResponse(McpCallContext)}: every request that expects an answer. */
  private static ElementMatcher.Junction<MethodDescription> requestWithResponse() {
    return named("executeOperationWithResponse").and(takesArguments(1)).and(takesArgument(0, named(PACKAGE_PREFIX + "client.McpCallContext")));
  }
}
