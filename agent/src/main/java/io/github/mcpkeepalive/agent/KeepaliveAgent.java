package io.github.mcpkeepalive.agent;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.ConfigLoader;
import io.github.mcpkeepalive.core.DaemonScheduler;
import io.github.mcpkeepalive.core.KeepaliveEngine;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.core.Settings;
import io.github.mcpkeepalive.core.Ticker;
import io.github.mcpkeepalive.instrumentation.Library;
import io.github.mcpkeepalive.jmx.JmxPublisher;
import io.github.mcpkeepalive.metrics.MetricsPublisher;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

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
   * At JVM start: the weaver is registered before any application class loads, so every client of
   * the class path's or of the first MCP class loader's libraries is seen from its constructor
   * (another loader's later, see {@link LoadWatch}). The rest of the set-up runs on a thread of its
   * own beside the application's start; an MCP class loaded before it is done waits for it.
   */
  public static void premain(String args, Instrumentation inst) {
    start(args, inst, true);
  }

  /** A late attach: classes already loaded are retransformed, clients taken over when next used. */
  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst, false);
  }

  static synchronized void start(String args, Instrumentation inst, boolean atJvmStart) {
    if (started) {
      Log.warn("agent already loaded in this JVM; second load ignored");
      return;
    }
    started = true;
    long begin = System.nanoTime();
    Weaver weaver = new Weaver();
    try {
      // Retransformation is only needed after a late attach (classes already loaded). Asking for
      // it at JVM start makes the JVM keep a copy of the bytes of every class it loads, in case
      // they are retransformed. On this project's machine a no-op transformer that could
      // retransform added 148 ms to the sample app's start against 61 ms for one that could not
      // (10 pairs), though 20 pairs later could not tell them apart (the start varies by ±15 %):
      // the copy is work with no use here. Our weaving survives another agent's retransformation
      // all the same: the JVM reuses the bytes a transformer that cannot retransform returned
      // when the class loaded.
      inst.addTransformer(weaver, !atJvmStart);
    } catch (Throwable t) {
      Log.error(
          "agent failed to start, the application runs without keepalive: " + Redact.error(t));
      return;
    }
    if (!atJvmStart) {
      AgentRuntime.settingUp(Thread.currentThread());
      setUp(args, inst, weaver, begin, false);
      return;
    }
    Thread setUp = new Thread(new SetUp(args, inst, weaver, begin), "mcp-keepalive-setup");
    setUp.setDaemon(true);
    AgentRuntime.settingUp(setUp);
    setUp.start();
  }

  /**
   * The set-up at JVM start, on its own thread. A class rather than a lambda: premain runs on the
   * application's main thread before its {@code main}, and the JVM's first lambda costs several
   * milliseconds of bootstrap that the set-up thread can pay instead.
   */
  private static final class SetUp implements Runnable {
    private final String args;
    private final Instrumentation inst;
    private final Weaver weaver;
    private final long begin;

    SetUp(String args, Instrumentation inst, Weaver weaver, long begin) {
      this.args = args;
      this.inst = inst;
      this.weaver = weaver;
      this.begin = begin;
    }

    @Override
    public void run() {
      Thread check = new Thread(new CheckAhead(), "mcp-keepalive-check");
      check.setDaemon(true);
      check.start();
      setUp(args, inst, weaver, begin, true);
    }
  }

  /**
   * For each library on the class path, the MCP Java SDK first: takes the build's reference check
   * of the class files there ({@link Library#checkAhead}: the 20 or so class files the build's
   * check read, their checksums compared), then builds the library's support and reads its version
   * ({@link io.github.mcpkeepalive.instrumentation.LibraryInstrumentation#prepareAhead}), beside
   * the reading of the configuration: the application's first MCP class, 40 to 80 ms after premain,
   * then finds them done or under way instead of starting them. Nothing is decided or logged here;
   * any failure only costs that head start.
   */
  private static final class CheckAhead implements Runnable {
    @Override
    public void run() {
      try {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        for (Library l : Library.values()) {
          if (l.mayBeIn(system)) {
            // the check first, as the decision waits for it: the set-up thread, once configured,
            // may build the support meanwhile
            l.checkAhead(system);
            l.support().prepareAhead(system);
          }
        }
      } catch (Throwable t) {
        // nothing to log before the configuration is read; the decision is taken when needed
      }
    }
  }

  /**
   * Reads the configuration, hands the libraries to the weaver and prepares the weaving path
   * ({@link Warmup}), then builds the engine and starts the scheduler thread: the application's
   * thread needs the weaving about 0.1 s after its start, the engine only when it builds a client
   * (a hook that runs before waits for it: {@link AgentRuntime#engine}); after a late attach, the
   * library classes already loaded are then retransformed. Any failure, or a disabled agent, leaves
   * the application as if the agent were absent, the transformer removed.
   */
  private static void setUp(
      String args, Instrumentation inst, Weaver weaver, long begin, boolean atJvmStart) {
    String version = version();
    boolean ready = false;
    try {
      ConfigLoader.Result config = ConfigLoader.loadFromJvm(args);
      Settings settings = config.settings;
      Log.setLevel(settings.logLevel);
      Log.setTarget(settings.logTarget);
      for (String w : config.warnings) {
        Log.warn(w);
      }
      for (String e : config.errors) {
        Log.error(e);
      }
      if (!config.errors.isEmpty()) {
        Log.error(
            "agent disabled because of the configuration error(s) above; the application runs without keepalive");
        return;
      }
      if (!settings.enabled) {
        Log.info("agent disabled by configuration (enabled=false)");
        return;
      }
      List<Library> libraries = List.of(Library.values());
      // The application may load an MCP class any moment now: the weaver gets the libraries first
      // and their weaving is prepared before the engine is built (a hook that runs meanwhile waits
      // for it: AgentRuntime.engine).
      weaver.ready(libraries);
      Warmup.run(weaver);
      // once the MCP classes are woven, every further class load would cost the application for
      // nothing: the transformer goes (now, if the class path holds them)
      boolean watchStartOnly = atJvmStart && settings.classLoads == Settings.ClassLoads.START;
      LoadWatch settled =
          watchStartOnly
              ? LoadWatch.settle(inst, weaver, libraries, ClassLoader.getSystemClassLoader())
              : null;
      if (!watchStartOnly) {
        weaver.whenLoaderDefines(null); // the transformer stays: no loader is followed
      }
      DaemonScheduler scheduler = new DaemonScheduler();
      KeepaliveEngine engine =
          new KeepaliveEngine(
              settings, Ticker.SYSTEM, scheduler, () -> ThreadLocalRandom.current().nextDouble());
      StringBuilder described = new StringBuilder();
      for (Library l : libraries) {
        described.append(described.length() == 0 ? "" : "; ").append(l.description());
      }
      engine.addListener(
          new JmxPublisher(
              engine, version, scheduler, weaver::classesSeen, weaver::classesExamined));
      if (settings.metrics) {
        engine.addListener(new MetricsPublisher(scheduler, version));
      }
      AgentRuntime.setEngine(engine);
      ready = true;
      if (watchStartOnly) {
        LoadWatch.follow(settled, inst, weaver, libraries, scheduler); // not after a failed set-up
      }
      if (!atJvmStart) {
        weaver.retransformLoaded(inst); // at JVM start no class has loaded unseen
      }
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
      // after the start line: lets the status command tell "not loaded" from "no connection yet",
      // and whoever sees it knows that line is written
      System.setProperty(LOADED_PROPERTY, version);
      scheduler.schedule(weaver::forgetPrepared, TimeUnit.SECONDS.toNanos(60));
    } catch (Throwable t) {
      if (!ready) {
        AgentRuntime.setEngine(null);
      }
      Log.error(
          "agent failed to start, the application runs without keepalive: " + Redact.error(t));
    } finally {
      if (!ready) {
        weaver.disable(); // classes waiting for the set-up go on unchanged
        inst.removeTransformer(weaver); // and no other class passes through it
      }
      AgentRuntime.settingUp(null); // hooks waiting for the engine go on, with it or without
    }
  }

  static String version() {
    String v = KeepaliveAgent.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
