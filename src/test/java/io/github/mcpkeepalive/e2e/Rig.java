package io.github.mcpkeepalive.e2e;

import io.github.mcpkeepalive.sample.DemoServer;
import io.github.mcpkeepalive.sample.FaultProxy;
import java.util.ArrayList;
import java.util.List;

/** A real MCP server behind a fault-injecting TCP proxy, and the app arguments to reach it. */
final class Rig implements AutoCloseable {

  static final String TOKEN = "tok-8f2c1e9a-SECRET";
  static final String QUERY_SECRET = "QSECRET-4d1a";

  final DemoServer server;
  final FaultProxy proxy;

  Rig(long idleCutMillis, long notifyEveryMillis) throws Exception {
    server = new DemoServer(0, TOKEN, notifyEveryMillis);
    proxy = new FaultProxy(0, server.port(), idleCutMillis);
  }

  String base() {
    return "http://127.0.0.1:" + proxy.port();
  }

  /**
   * How long an application tries its first initialization again: on a loaded host a cold JVM's
   * first request can outlast the short request timeouts the scenarios use. The faults come after
   * the first call, so this never hides a failed call.
   */
  static final String STARTUP_RETRY = "30s";

  /** App arguments for both transports through the proxy, with the bearer token. */
  List<String> appArgs(String every, int calls, String requestTimeout) {
    List<String> args = new ArrayList<>();
    args.add("--server");
    args.add("name=sse,transport=sse,token=" + TOKEN + ",url=" + base() + "/sse");
    args.add("--server");
    args.add(
        "name=http,transport=streamable,token="
            + TOKEN
            + ",url="
            + base()
            + "/mcp?api_key="
            + QUERY_SECRET);
    args.add("--every");
    args.add(every);
    args.add("--calls");
    args.add(Integer.toString(calls));
    args.add("--request-timeout");
    args.add(requestTimeout);
    args.add("--startup-retry");
    args.add(STARTUP_RETRY);
    return args;
  }

  @Override
  public void close() {
    proxy.close();
    server.close();
  }
}
