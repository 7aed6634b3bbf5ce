package io.github.mcpkeepalive.instrumentation.langchain4j;

import static io.github.mcpkeepalive.instrumentation.refs.MethodRef.ANY;
import static net.bytebuddy.matcher.ElementMatchers.declaresField;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.github.mcpkeepalive.core.LibraryVersion;
import io.github.mcpkeepalive.instrumentation.InstrumentationModule;
import io.github.mcpkeepalive.instrumentation.LibraryInstrumentation;
import io.github.mcpkeepalive.instrumentation.refs.FieldRef;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;
import java.util.List;
import java.util.regex.Pattern;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * langchain4j-mcp ({@code DefaultMcpClient} over {@code HttpMcpTransport} and {@code
 * StreamableHttpMcpTransport}). Applied to a class loader only when the members its advice is woven
 * into match that loader's classes. The notification stream's members exist from 1.12 on: they are
 * selected by matchers of their own, which select nothing on 1.11.
 */
public final class Langchain4jInstrumentation extends LibraryInstrumentation {

  private static final String PACKAGE_PREFIX = "dev.langchain4j.mcp.";
  private static final String OPERATION_HANDLER = PACKAGE_PREFIX + "client.transport.McpOperationHandler";
  private static final String SSE_LISTENER = PACKAGE_PREFIX + "client.transport.http.SseEventListener";
  private static final String CALL_CONTEXT = PACKAGE_PREFIX + "client.McpCallContext";
  private static final String RESPONSE_INFO = "java.net.http.HttpResponse$ResponseInfo";

  private static final LibraryVersion VERSION =
      new LibraryVersion("langchain4j-mcp", "dev.langchain4j", List.of("langchain4j-mcp"), L4jHooks.CLIENT, Pattern.compile("1\\.1[1-8]\\.\\d+(-beta\\d+)?"), "1.11.x to 1.18.x");

  static final References REFERENCES = new References();
  static final MethodRef CLIENT_CONSTRUCTOR = REFERENCES.constructor(L4jHooks.CLIENT, L4jHooks.CLIENT + "$Builder");
  static final MethodRef CLIENT_CLOSE = REFERENCES.method(L4jHooks.CLIENT, "close");
  static final MethodRef CLIENT_RECONNECT = REFERENCES.method(L4jHooks.CLIENT, "triggerReconnection");
  static final MethodRef HANDLER_HANDLE = REFERENCES.method(OPERATION_HANDLER, "handle", ANY);
  static final FieldRef HANDLER_TRANSPORT = REFERENCES.field(OPERATION_HANDLER, "transport", PACKAGE_PREFIX + "client.transport.McpTransport");
  static final MethodRef SSE_ON_FAILURE = REFERENCES.method(L4jHooks.SSE_TRANSPORT, "onFailure", "java.lang.Runnable");
  static final MethodRef SSE_REQUEST = REFERENCES.method(L4jHooks.SSE_TRANSPORT, "executeOperationWithResponse", CALL_CONTEXT);
  static final MethodRef LISTENER_FAILED = REFERENCES.method(SSE_LISTENER, "onFailure", ANY, "java.lang.Throwable", ANY);
  static final MethodRef LISTENER_CLOSED = REFERENCES.method(SSE_LISTENER, "onClosed", ANY);
  static final FieldRef LISTENER_HANDLER = REFERENCES.field(SSE_LISTENER, "messageHandler", OPERATION_HANDLER);
  static final MethodRef HTTP_REQUEST = REFERENCES.method(L4jHooks.STREAMABLE_TRANSPORT, "executeOperationWithResponse", CALL_CONTEXT);
  /** The response handler of a Streamable HTTP request: {@code (context, isRetry, future, id, ResponseInfo)}. */
  static final MethodRef HTTP_RESPONSE_STATUS = REFERENCES.lambda(L4jHooks.STREAMABLE_TRANSPORT, "execute", CALL_CONTEXT, "boolean", ANY, ANY, "java.net.http.HttpResponse$ResponseInfo");

  public static final Langchain4jInstrumentation INSTANCE = new Langchain4jInstrumentation();

  private Langchain4jInstrumentation() {
    super(VERSION, "langchain4j-mcp (tested " + VERSION.testedText() + "; HttpMcpTransport, StreamableHttpMcpTransport)", List.of(new Module()));
  }

  /** langchain4j-mcp 1.11 and later. */
  private static final class Module extends InstrumentationModule {
    Module() {
      super("langchain4j-mcp-1.11", REFERENCES, List.of(L4jHooks.CLIENT, OPERATION_HANDLER, L4jHooks.SSE_TRANSPORT, SSE_LISTENER, L4jHooks.STREAMABLE_TRANSPORT, L4jHooks.SSE_SUBSCRIBER));
    }

    @Override
    public List<On> adviceFor(String typeName) {
      switch (typeName) {
        case L4jHooks.CLIENT:
          return List.of(
              advice(L4jAdvice.ClientCreating.class, L4jAdvice.ClientCreated.class, CLIENT_CONSTRUCTOR.matcher()),
              advice(L4jAdvice.ClientClosed.class, CLIENT_CLOSE.matcher()),
              advice(L4jAdvice.LibraryReconnect.class, CLIENT_RECONNECT.matcher()));
        case OPERATION_HANDLER:
          return List.of(advice(L4jAdvice.MessageRead.class, HANDLER_HANDLE.matcher()));
        case L4jHooks.SSE_TRANSPORT:
          return List.of(advice(L4jAdvice.FailureHandler.class, SSE_ON_FAILURE.matcher()), advice(L4jAdvice.RequestSent.class, SSE_REQUEST.matcher()));
        case SSE_LISTENER:
          return List.of(advice(L4jAdvice.SseFailed.class, LISTENER_FAILED.matcher()), advice(L4jAdvice.SseClosed.class, LISTENER_CLOSED.matcher()));
        case L4jHooks.STREAMABLE_TRANSPORT:
          return List.of(
              advice(L4jAdvice.ResponseStatus.class, HTTP_RESPONSE_STATUS.matcher()),
              advice(L4jAdvice.RequestSent.class, HTTP_REQUEST.matcher()),
              advice(L4jAdvice.SessionInitializing.class, named("initialize").and(takesArguments(1))),
              advice(
                  L4jAdvice.GetStreamAnswered.class,
                  nameStartsWith("lambda$startSubsidiaryChannel$").and(takesArguments(4)).and(takesArgument(1, named(L4jHooks.SSE_SUBSCRIBER))).and(takesArgument(3, named(RESPONSE_INFO)))),
              advice(L4jAdvice.LibraryGetStreamRetry.class, named("scheduleSubsidiaryReconnect").and(takesArguments(0))));
        case L4jHooks.SSE_SUBSCRIBER:
          // only the notification stream's subscriber (1.12+) has the field that tells it from a POST's
          ElementMatcher.Junction<MethodDescription> ofStreamSubscriber = isDeclaredBy(declaresField(named("subsidiary")));
          return List.of(
              advice(L4jAdvice.StreamSubscribed.class, named("onSubscribe").and(takesArguments(1)).and(ofStreamSubscriber)),
              advice(L4jAdvice.StreamFailed.class, named("onError").and(takesArguments(1)).and(ofStreamSubscriber)),
              advice(L4jAdvice.StreamCompleted.class, named("onComplete").and(takesArguments(0)).and(ofStreamSubscriber)));
        default:
          return List.of();
      }
    }
  }
}
