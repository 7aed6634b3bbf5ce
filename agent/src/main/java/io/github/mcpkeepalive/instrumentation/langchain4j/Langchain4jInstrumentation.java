package io.github.mcpkeepalive.instrumentation.langchain4j;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.github.mcpkeepalive.core.LibraryVersion;
import java.util.regex.Pattern;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Type and method matchers for langchain4j-mcp 1.11.x ({@code DefaultMcpClient} over {@code
 * HttpMcpTransport} and {@code StreamableHttpMcpTransport}). Other versions are not touched (one log
 * line per class loader).
 */
public final class Langchain4jInstrumentation {

  /** The class-name prefix outside which nothing is matched. */
  public static final String PACKAGE_PREFIX = "dev.langchain4j.mcp.";

  static final LibraryVersion VERSION =
      new LibraryVersion("langchain4j-mcp", "dev.langchain4j", "langchain4j-mcp", L4jHooks.CLIENT, Pattern.compile("1\\.11\\.\\d+-beta\\d+"), "1.11.x");

  public static final String DESCRIPTION = "langchain4j-mcp " + VERSION.supportedText() + " (HttpMcpTransport, StreamableHttpMcpTransport)";

  private Langchain4jInstrumentation() {}

  public static AgentBuilder apply(AgentBuilder builder) {
    return builder
        .type(named(L4jHooks.CLIENT), VERSION::supported)
        .transform(
            (b, type, loader, module, pd) ->
                b.visit(Advice.to(L4jAdvice.ClientCreating.class, L4jAdvice.ClientCreated.class).on(isConstructor().and(takesArguments(1))))
                    .visit(Advice.to(L4jAdvice.ClientClosed.class).on(named("close").and(takesArguments(0))))
                    .visit(Advice.to(L4jAdvice.LibraryReconnect.class).on(named("triggerReconnection").and(takesArguments(0)))))
        .type(named(PACKAGE_PREFIX + "client.transport.McpOperationHandler"), VERSION::supported)
        .transform((b, type, loader, module, pd) -> b.visit(Advice.to(L4jAdvice.MessageRead.class).on(named("handle").and(takesArguments(1)))))
        .type(named(L4jHooks.SSE_TRANSPORT), VERSION::supported)
        .transform(
            (b, type, loader, module, pd) ->
                b.visit(Advice.to(L4jAdvice.FailureHandler.class).on(named("onFailure").and(takesArguments(Runnable.class))))
                    .visit(Advice.to(L4jAdvice.RequestSent.class).on(requestWithResponse())))
        .type(named(PACKAGE_PREFIX + "client.transport.http.SseEventListener"), VERSION::supported)
        .transform(
            (b, type, loader, module, pd) ->
                b.visit(Advice.to(L4jAdvice.SseFailed.class).on(named("onFailure").and(takesArguments(3))))
                    .visit(Advice.to(L4jAdvice.SseClosed.class).on(named("onClosed").and(takesArguments(1)))))
        .type(named(L4jHooks.STREAMABLE_TRANSPORT), VERSION::supported)
        .transform(
            (b, type, loader, module, pd) ->
                b.visit(
                        Advice.to(L4jAdvice.ResponseStatus.class)
                            .on(nameStartsWith("lambda$execute$").and(takesArguments(5)).and(takesArgument(4, named("java.net.http.HttpResponse$ResponseInfo")))))
                    .visit(Advice.to(L4jAdvice.RequestSent.class).on(requestWithResponse())));
  }

  /** {@code executeOperationWithResponse(McpCallContext)}: every request that expects an answer. */
  private static ElementMatcher.Junction<MethodDescription> requestWithResponse() {
    return named("executeOperationWithResponse").and(takesArguments(1)).and(takesArgument(0, named(PACKAGE_PREFIX + "client.McpCallContext")));
  }
}
