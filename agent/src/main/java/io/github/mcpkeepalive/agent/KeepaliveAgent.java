package io.github.mcpkeepalive.agent;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.ConfigLoader;
import io.github.mcpkeepalive.core.DaemonScheduler;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.core.Ticker;
import io.github.mcpkeepalive.instrumentation.LibraryInstrumentation;
import io.github.mcpkeepalive.instrumentation.langchain4j.Langchain4jInstrumentation;
import io.github.mcpkeepalive.instrumentation.mcpsdk.McpSdkInstrumentation;
import io.github.mcpkeepalive.instrumentation.webflux.SdkWebFluxInstrumentation;
import io.github.mcpkeepalive.instrumentation.webflux.SpringAiWebFluxInstrumentation;
import io.github.mcpkeepalive.jmx.JmxPublisher;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The agent's entry point: {@code -javaagent:mcp-keepalive-agent.jar[=key=value,…]}, or a late
 * attach. It reads the configuration, starts the one scheduler thread and registers the weaver. Any
 * failure here is logged and leaves the application running as if the agent were absent.
 */
public final class KeepaliveAgent {

  /** Set in the host JVM once the agent runs. */
  public static final String LOADED_PROPERTY = "io.github.mcpkeepalive.version";

  private static boolean started;

  private KeepaliveAgent() {}

  /**
   * At JVM start: the weaver is registered before any application class loads, so every client is
   * seen from its constructor.
   */
  public static void premain(String args, Instrumentation inst) {
    start(args, inst);
  }

  /** A late attach: classes already loaded are retransformed, clients taken over when next used. */
  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst);
  }

  static synchronized void start(String args, Instrumentation inst) {
    if (started) {
      Log.warn("agent already loaded in this JVM; second load ignored");
      return;
    }
    started = true;
    long begin = System.nanoTime();
    String version = version();
    try {
      ConfigLoader.Result config = ConfigLoader.loadFromJvm(args);
      Settings settings = config.settings;
      Log.setLevel(settings.logLevel);
      config.warnings.forEach(Log::warn);
      config.errors.forEach(Log::error);
      if (!config.errors.isEmpty()) {
        Log.error(
            "agent disabled because of the configuration error(s) above; the application runs without keepalive");
        return;
      }
      if (!settings.enabled) {
        Log.info("agent disabled by configuration (enabled=false)");
        return;
      }
      DaemonScheduler scheduler = new DaemonScheduler();
      KeepaliveEngine engine =
          new KeepaliveEngine(
              settings, Ticker.SYSTEM, scheduler, () -> ThreadLocalRandom.current().nextDouble());
      List<LibraryInstrumentation> libraries =
          List.of(
              McpSdkInstrumentation.INSTANCE,
              SdkWebFluxInstrumentation.INSTANCE,
              SpringAiWebFluxInstrumentation.INSTANCE,
              Langchain4jInstrumentation.INSTANCE);
      StringBuilder described = new StringBuilder();
      for (LibraryInstrumentation l : libraries) {
        described.append(described.length() == 0 ? "" : "; ").append(l.description());
      }
      Weaver weaver = new Weaver(libraries);
      AgentRuntime.setEngine(engine);
      engine.setListener(
          new JmxPublisher(
              engine, version, scheduler, weaver::classesSeen, weaver::classesExamined));
      weaver.install(inst);
      System.setProperty(
          LOADED_PROPERTY,
          version); // lets the status command tell "not loaded" from "no connection yet"
      Log.info(
          "mcp-keepalive-agent "
              + version
              + " started: "
              + settings.summary()
              + "; instrumenting "
              + described
              + "; set up in "
              + (System.nanoTime() - begin) / 1_000_000
              + " ms");
    } catch (Throwable t) {
      AgentRuntime.setEngine(null);
      Log.error(
          "agent failed to start, the application runs without keepalive: " + Redact.error(t));
    }
  }

  static String version() {
    String v = KeepaliveAgent.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
