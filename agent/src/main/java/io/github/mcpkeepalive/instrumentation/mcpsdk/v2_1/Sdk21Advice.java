package io.github.mcpkeepalive.instrumentation.mcpsdk.v2_1;

import static io.github.mcpkeepalive.instrumentation.weave.Hook.RETURN;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.THIS;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.argument;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.onEnter;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.onExit;

import io.github.mcpkeepalive.instrumentation.weave.Hook;
import java.util.List;

/**
 * The calls only MCP Java SDK 2.1 gets, on the handler of a Streamable HTTP POST's response {@code
 * (request, session, sink, message, response)}: the status is read, and an event stream is read
 * beside the SDK (the response is replaced by one whose body is tapped) and watched so that it can
 * be resumed (the message stream returned is replaced by a watched one); and the GET the agent
 * opens to resume such a stream is watched too.
 */
final class Sdk21Advice {

  private Sdk21Advice() {}

  static final List<Hook> POST_RESPONSE =
      List.of(
          onEnter(
                  ResumableResponses.class,
                  "responseArrived",
                  THIS,
                  argument(2),
                  argument(3),
                  argument(4))
              .settingArgument(4),
          onExit(ResumableResponses.class, "responseRead", argument(4), RETURN).settingReturn());

  /**
   * On the lambda of {@code reconnect(stream)} that sends the GET {@code (stream, builder)}: the
   * message stream it returns, watched when the GET is one the agent opened to resume a request's
   * response stream (the returned stream replaced by a watched one).
   */
  static final Hook GET_SENT =
      onExit(ResumableResponses.class, "getSent", argument(0), RETURN).settingReturn();
}
