package io.github.mcpkeepalive.instrumentation.mcpsdk.common;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.Log;
import io.modelcontextprotocol.client.McpAsyncClient;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.SignalType;

/**
 * Every hook runs inside an SDK method of the application's thread: whatever goes wrong in it is
 * caught there, and logged as one WARN line per kind, not once per call.
 */
class SdkHooksFailureTest extends SdkTestBase {

  private static final String NONSENSE = "not an SDK object";

  /** Calls every hook with what it cannot use: nonsense, nulls, the other transport's objects. */
  private static void callEveryHookWrongly(
      Object sseTransport, Object streamableTransport, Object initializer) {
    for (Object wrong : new Object[] {NONSENSE, null}) {
      SdkHooks.asyncClientCreated(wrong);
      SdkHooks.asyncClientUsed(wrong);
      SdkHooks.syncClientCreated(wrong, wrong);
      SdkHooks.clientClosed(wrong);
      AgentRuntime.messageRead(wrong);
      SdkHooks.streamError(wrong, wrong);
      SdkHooks.sseStreamEnded(wrong, wrong);
      SdkHooks.getStreamOpening(wrong);
      SdkHooks.getStreamEnded(wrong, wrong);
      SdkHooks.retryOnExpiredSession(wrong, wrong);
      SdkHooks.retryOnExpiredSession(initializer, wrong);
    }
    SdkHooks.streamError(sseTransport, NONSENSE);
    SdkHooks.sseStreamEnded(streamableTransport, SignalType.ON_COMPLETE); // no endpoint sink there
    SdkHooks.getStreamOpening(sseTransport); // no session there
  }

  @Test
  void everyHookSwallowsItsOwnFailuresAndWarnsOncePerKind() throws Exception {
    McpAsyncClient sse = sseClient();
    McpAsyncClient streamable = streamableClient();
    discovered(sse);
    discovered(streamable);
    Object sseTransport = transportOf(sse);
    Object streamableTransport = transportOf(streamable);
    Object initializer = initializerOf(streamable);

    assertDoesNotThrow(() -> callEveryHookWrongly(sseTransport, streamableTransport, initializer));
    List<String> warnings = logged(Log.Level.WARN);
    assertFalse(warnings.isEmpty(), "the wrong calls reached the hooks' error handling");
    for (String w : warnings) {
      assertTrue(w.startsWith("internal error during "), w);
      assertTrue(w.contains("the application is unaffected"), w);
    }
    assertEquals(new HashSet<>(warnings).size(), warnings.size(), warnings::toString);

    assertDoesNotThrow(() -> callEveryHookWrongly(sseTransport, streamableTransport, initializer));
    assertEquals(warnings, logged(Log.Level.WARN), "no kind is logged twice");
  }

  @Test
  void aRequestThatCannotBeWrappedIsReturnedAsItCame() throws Exception {
    McpAsyncClient client = streamableClient();
    discovered(client);

    assertSame(NONSENSE, SdkHooks.retryOnExpiredSession(initializerOf(client), NONSENSE));
  }
}
