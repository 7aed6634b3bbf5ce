package io.github.mcpkeepalive.instrumentation.mcpsdk.v2_1;

import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkHooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/** The advice only MCP Java SDK 2.1 gets; any throwable is suppressed. */
public final class Sdk21Advice {

  private Sdk21Advice() {}

  /**
   * The handler of a Streamable HTTP POST's response {@code (request, session, sink, message,
   * response)}: the status is read, and an event stream is read beside the SDK and watched so that
   * it can be resumed.
   */
  public static final class PostResponse {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(
        @Advice.This Object transport,
        @Advice.Argument(2) Object sink,
        @Advice.Argument(3) Object message,
        @Advice.Argument(value = 4, readOnly = false, typing = Assigner.Typing.DYNAMIC)
            Object response) {
      SdkHooks.postAnswered(transport, response);
      Object tap = ResumableResponses.tap(transport, sink, message, response);
      if (tap != null) {
        response = ResumableResponses.tapped(tap, response);
      }
      return tap;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object tap,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object stream) {
      if (tap != null) {
        stream = ResumableResponses.watch(tap, stream);
      }
    }
  }
}
