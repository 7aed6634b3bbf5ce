package io.github.mcpkeepalive.agent;

import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.core.TaskScheduler;
import io.github.mcpkeepalive.instrumentation.InstrumentationModule;
import io.github.mcpkeepalive.instrumentation.Instrumented;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * How long the agent watches the classes the JVM loads. A registered transformer is handed every
 * class the JVM loads, the JDK's included, and the JVM must first read the bytes of each: a
 * transformer that does nothing added 40 to 150 ms to the sample app's start on this project's
 * two-core machine, more than all of the agent's own work.
 *
 * <p>So when the application's class path holds an MCP library, the classes its support weaves are
 * loaded at the agent's set-up through the class path's loader ({@link #settle}: loaded only, not
 * initialized, so no code of theirs runs), woven as they load, and the transformer is removed. With
 * no MCP library on the class path (a Spring Boot jar: its libraries come with a class loader of
 * their own), the transformer stays until the first MCP class is woven, and that class's loader is
 * settled the same way. A class loader the application makes later (a plugin's, say) may bring a
 * library of its own: its classes are looked for 1, 2, 4 … s after the settling, then every {@link
 * #LONGEST_WAIT_NANOS} ({@link #run}), woven by retransformation when found, and their clients
 * taken over at their next request, as after a late attach. With {@code watch_class_loads=always}
 * the transformer stays and this class is not used.
 */
final class LoadWatch implements Runnable {

  static final long FIRST_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final long LONGEST_WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final Instrumentation inst;
  private final Weaver weaver;
  private final Set<String> woven; // the classes some support weaves, by binary name (a.b.C)
  // classes woven here, by retransformation; a class the transformer saw load is asked to it
  private final Map<Class<?>, Boolean> retransformed = new WeakHashMap<>();
  private TaskScheduler scheduler;
  private long waitNanos = FIRST_WAIT_NANOS;

  LoadWatch(Instrumentation inst, Weaver weaver, List<? extends Instrumented> libraries) {
    this.inst = inst;
    this.weaver = weaver;
    Set<String> names = new HashSet<>();
    for (Instrumented library : libraries) {
      names.addAll(library.typeNames());
    }
    this.woven = names;
  }

  /**
   * Then, once the agent's scheduler runs: the looks start if {@code settled} (the class path's
   * loader was settled); otherwise the loader of the next class woven (a Spring Boot jar's, say) is
   * settled once that class is woven, on {@code scheduler}'s thread, and the looks start then. (A
   * class woven in between leaves the transformer in place, as with {@code
   * watch_class_loads=always}: with no library on the class path, MCP classes load seconds later.)
   */
  static void follow(
      LoadWatch settled,
      Instrumentation inst,
      Weaver weaver,
      List<? extends Instrumented> libraries,
      TaskScheduler scheduler) {
    if (settled != null) {
      settled.start(scheduler);
    } else {
      weaver.whenFirstWoven(new Later(inst, weaver, libraries, scheduler));
    }
  }

  /** Settles the loader of the first class woven, on the scheduler's thread. */
  private static final class Later implements Consumer<ClassLoader> {
    private final Instrumentation inst;
    private final Weaver weaver;
    private final List<? extends Instrumented> libraries;
    private final TaskScheduler scheduler;

    Later(
        Instrumentation inst,
        Weaver weaver,
        List<? extends Instrumented> libraries,
        TaskScheduler scheduler) {
      this.inst = inst;
      this.weaver = weaver;
      this.libraries = libraries;
      this.scheduler = scheduler;
    }

    @Override
    public void accept(ClassLoader loader) {
      // the loading thread is inside the JVM's class loading: the rest goes to the scheduler's
      scheduler.execute(new Settle(loader));
    }

    /** A class rather than a lambda: made inside the JVM's loading of an MCP class. */
    private final class Settle implements Runnable {
      private final ClassLoader loader;

      Settle(ClassLoader loader) {
        this.loader = loader;
      }

      @Override
      public void run() {
        LoadWatch watch = settle(inst, weaver, libraries, loader);
        if (watch != null) {
          watch.start(scheduler);
        }
      }
    }
  }

  /**
   * If {@code classPath} holds a library, the classes its version range weaves are loaded through
   * it (woven as they load) and the transformer is removed; the answer is then a watch to {@link
   * #start}. Null when the transformer stays: no library is on the class path.
   */
  static LoadWatch settle(
      Instrumentation inst,
      Weaver weaver,
      List<? extends Instrumented> libraries,
      ClassLoader classPath) {
    try {
      return settleOrThrow(inst, weaver, libraries, classPath);
    } catch (Throwable t) {
      Log.INSTRUMENTATION.warn(
          "every class load stays watched, as the class path's MCP classes could not be loaded"
              + " ahead: "
              + Redact.error(t));
      return null;
    }
  }

  private static LoadWatch settleOrThrow(
      Instrumentation inst,
      Weaver weaver,
      List<? extends Instrumented> libraries,
      ClassLoader classPath) {
    long begin = System.nanoTime();
    int loaded = 0;
    boolean any = false;
    for (Instrumented library : libraries) {
      if (!library.mayBeIn(classPath)) {
        continue;
      }
      any = true;
      InstrumentationModule range = library.support().moduleFor(classPath);
      if (range == null) {
        continue; // left alone there (logged once, with why)
      }
      for (String name : range.typeNames()) {
        try {
          Class.forName(name, false, classPath);
          loaded++;
        } catch (Throwable t) {
          // not in this version of the library, or cannot load: the application meets the same
          Log.INSTRUMENTATION.debug("not loaded ahead: " + name + " (" + Redact.error(t) + ")");
        }
      }
    }
    if (!any) {
      Log.INSTRUMENTATION.debug(
          "no MCP library on the class path: every class load is watched for one in a class"
              + " loader of its own");
      return null;
    }
    inst.removeTransformer(weaver);
    Log.INSTRUMENTATION.debug(
        (classPath == ClassLoader.getSystemClassLoader()
                ? "class path's MCP classes"
                : "MCP classes of class loader " + classPath.getClass().getName())
            + " loaded and woven ahead ("
            + loaded
            + ") in "
            + (System.nanoTime() - begin) / 1_000_000
            + " ms; class loads are no longer watched, other class loaders' MCP classes are looked"
            + " for from time to time");
    return new LoadWatch(inst, weaver, libraries);
  }

  /** Starts looking for the MCP classes of other class loaders, on {@code scheduler}'s thread. */
  private void start(TaskScheduler scheduler) {
    this.scheduler = scheduler;
    scheduler.schedule(this, waitNanos);
  }

  /** One look, then the next, twice as far off, at most {@link #LONGEST_WAIT_NANOS}. */
  @Override
  public void run() {
    try {
      look();
    } catch (Throwable t) {
      Log.once(
          Log.Level.WARN,
          "load-watch",
          "could not look for MCP classes in other class loaders: " + Redact.error(t));
    }
    waitNanos = nextWait(waitNanos);
    scheduler.schedule(this, waitNanos);
  }

  /**
   * The wait after one of {@code waitNanos}: twice as long, {@link #LONGEST_WAIT_NANOS} at most.
   */
  static long nextWait(long waitNanos) {
    return Math.min(2 * waitNanos, LONGEST_WAIT_NANOS);
  }

  /** The MCP classes loaded unseen since the transformer was removed, woven now. */
  int look() {
    List<Class<?>> found = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      ClassLoader loader = c.getClassLoader();
      if (loader == null
          || !woven.contains(c.getName())
          || retransformed.containsKey(c)
          || weaver.sawLoad(loader, c.getName())) {
        continue;
      }
      found.add(c);
    }
    if (found.isEmpty()) {
      return 0;
    }
    // only for the retransformation: while it is registered, a class loaded meanwhile is woven as
    // it loads (and counted as seen loading), so is never retransformed
    inst.addTransformer(weaver, true);
    try {
      for (Class<?> c : found) {
        retransformed.put(c, Boolean.TRUE);
        try {
          inst.retransformClasses(c);
          Log.INSTRUMENTATION.debug(
              "found " + c.getName() + " in a class loader made after the agent's set-up");
        } catch (Throwable t) {
          Log.INSTRUMENTATION.warn(
              "could not instrument "
                  + c.getName()
                  + " of a class loader made after the agent's set-up, left unchanged: "
                  + Redact.error(t));
        }
      }
    } finally {
      inst.removeTransformer(weaver);
    }
    return found.size();
  }
}
