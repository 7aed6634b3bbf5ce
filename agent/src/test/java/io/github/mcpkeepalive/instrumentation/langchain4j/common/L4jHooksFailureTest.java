package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.protocol.McpListToolsRequest;
import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.McpTestServer.Answer;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Every hook runs inside a langchain4j method of the application's thread: whatever goes wrong in
 * it is caught there, and logged as one WARN line per kind, not once per call.
 */
class L4jHooksFailureTest extends L4jTestBase {

  private static final String NONSENSE = "not a langchain4j object";

  /** What the wrong calls are made with: real objects, of the other transport where it matters. */
  private Object sseTransport;

  private Object streamableTransport;
  private Object streamableHandler;
  private Object status400;

  /** Calls every hook with what it cannot use: nonsense, nulls, the other transport's objects. */
  private void callEveryHookWrongly() {
    CompletableFuture<Object> answer = new CompletableFuture<>();
    for (Object wrong : new Object[] {NONSENSE, null}) {
      L4jHooks.clientCreating(wrong);
      L4jHooks.clientCreated(wrong);
      L4jHooks.clientClosed(wrong);
      L4jHooks.libraryReconnect(wrong);
      AgentRuntime.messageRead(wrong);
      L4jHooks.wrapFailureHandler(wrong, (Runnable) () -> {});
      L4jHooks.sseFailed(wrong, wrong, null, wrong);
      L4jHooks.requestSent(wrong, wrong, 0, wrong);
      L4jHooks.requestSent(streamableTransport, wrong, 0, answer);
      L4jHooks.responseStatus(wrong, wrong, false, wrong);
      L4jHooks.sessionInitializing(wrong, wrong);
      L4jHooks.sessionInitializing(streamableTransport, wrong);
    }
    Object listTools = context(new McpListToolsRequest(1L));
    L4jHooks.requestSent(sseTransport, listTools, 0, NONSENSE);
    L4jHooks.responseStatus(sseTransport, listTools, false, status400); // no session id there
    L4jHooks.sseFailed(streamableHandler, NONSENSE, null, null); // no SSE stream there
    L4jHooks.sseFailed(NONSENSE, NONSENSE, new IllegalStateException("no stream"), null);
  }

  @Test
  void everyHookSwallowsItsOwnFailuresAndWarnsOncePerKind() throws Exception {
    DefaultMcpClient sse = sseClient();
    DefaultMcpClient streamable = streamableClient();
    discovered(sse);
    discovered(streamable);
    sseTransport = transportOf(sse);
    streamableTransport = transportOf(streamable);
    streamableHandler = L4jRefs.CLIENT_MESSAGE_HANDLER.get(streamable);
    status400 = responseInfo(Answer.BAD_REQUEST);

    assertDoesNotThrow(this::callEveryHookWrongly);
    List<String> warnings = logged(Log.Level.WARN);
    assertFalse(warnings.isEmpty(), "the wrong calls reached the hooks' error handling");
    for (String w : warnings) {
      assertTrue(w.startsWith("internal error during "), w);
      assertTrue(w.contains("(langchain4j-mcp support)"), w);
      assertTrue(w.contains("the application is unaffected"), w);
    }
    assertEquals(new HashSet<>(warnings).size(), warnings.size(), warnings::toString);

    assertDoesNotThrow(this::callEveryHookWrongly);
    assertEquals(warnings, logged(Log.Level.WARN), "no kind is logged twice");
  }

  @Test
  void whatCannotBeUsedIsReturnedAsItCame() throws Exception {
    DefaultMcpClient client = streamableClient();
    discovered(client);
    Object transport = transportOf(client);
    CompletableFuture<Object> answer = new CompletableFuture<>();

    assertSame(answer, L4jHooks.requestSent(transport, NONSENSE, 0, answer));
    assertSame(NONSENSE, L4jHooks.requestSent(transport, NONSENSE, 0, NONSENSE));
    assertSame(NONSENSE, L4jHooks.responseStatus(transport, NONSENSE, false, NONSENSE));
    assertFalse(L4jHooks.libraryReconnect(NONSENSE), "the library's own reconnect goes ahead");
    assertNull(L4jHooks.wrapFailureHandler(transport, null), "no handler: none wrapped");
  }
}
