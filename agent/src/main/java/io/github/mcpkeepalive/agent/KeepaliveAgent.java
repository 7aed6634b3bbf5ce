package io.github.mcpkeepalive.agent;

import static net.bytebuddy.matcher.ElementMatchers.isDefaultFinalizer;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.github.mcpkeepalive.core.ConfigLoader;
import io.github.mcpkeepalive.core.DaemonScheduler;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.core.Ticker;
import io.github.mcpkeepalive.instrumentation.langchain4j.Langchain4jInstrumentation;
import io.github.mcpkeepalive.instrumentation.mcpsdk.McpSdkInstrumentation;
import io.github.mcpkeepalive.jmx.JmxPublisher;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.ThreadLocalRandom;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * The agent's entry point: {@code -javaagent:mcp-keepalive-agent.jar[=key=value,…]}. It reads the
 * configuration, starts the one scheduler thread and weaves the client-library support. Any
 * failure here is logged and leaves the application running as if the agent were absent.
 */
public final class KeepaliveAgent {

  /** Set in the host JVM once the agent runs. */
  public static final String LOADED_PROPERTY = "io.github.mcpkeepalive.version";

  private static boolean started;

  private KeepaliveAgent() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst);
  }

  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst);
  }

  static synchronized void start(String args, Instrumentation inst) {
    if (started) {
      Log.warn("agent already loaded in this JVM; second load ignored");
      return;
    }
    started = true;
    try {
      ConfigLoader.Result config = ConfigLoader.loadFromJvm(args);
      Settings settings = config.settings;
      Log.setLevel(settings.logLevel);
      config.warnings.forEach(Log::warn);
      config.errors.forEach(Log::error);
      if (!config.errors.isEmpty()) {
        Log.error("agent disabled because of the configuration error(s) above; the application runs without keepalive");
        return;
      }
      if (!settings.enabled) {
        Log.info("agent disabled by configuration (enabled=false)");
        return;
      }
      KeepaliveEngine engine =
          new KeepaliveEngine(settings, Ticker.SYSTEM, new DaemonScheduler(), () -> ThreadLocalRandom.current().nextDouble());
      AgentRuntime.setEngine(engine);
      engine.setListener(new JmxPublisher(engine, version()));
      System.setProperty(LOADED_PROPERTY, version()); // lets the status command tell "not loaded" from "no connection yet"
      AgentBuilder builder =
          new AgentBuilder.Default(new ByteBuddy().ignore(isDefaultFinalizer())) // lambdas are synthetic: keep them visible
              .disableClassFormatChanges()
              .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
              .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
              .with(new ErrorListener())
              .ignore(not(nameStartsWith(McpSdkInstrumentation.PACKAGE_PREFIX).or(nameStartsWith(Langchain4jInstrumentation.PACKAGE_PREFIX))));
      Langchain4jInstrumentation.apply(McpSdkInstrumentation.apply(builder)).installOn(inst);
      Log.info(
          "mcp-keepalive-agent "
              + version()
              + " started: "
              + settings.summary()
              + "; instrumenting "
              + McpSdkInstrumentation.DESCRIPTION
              + " and "
              + Langchain4jInstrumentation.DESCRIPTION);
    } catch (Throwable t) {
      AgentRuntime.setEngine(null);
      Log.error("agent failed to start, the application runs without keepalive: " + Redact.error(t));
    }
  }

  static String version() {
    String v = KeepaliveAgent.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Logs a failed transformation once per type; the class then loads unchanged. */
  private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
      Log.once(Log.Level.WARN, "transform-" + typeName, "could not instrument " + typeName + ", left unchanged: " + Redact.error(throwable));
    }

    @Override
    public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module, boolean loaded, DynamicType dynamicType) {
      Log.debug("instrumented " + typeDescription.getName());
    }
  }
}
