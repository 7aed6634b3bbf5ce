package io.github.mcpkeepalive.agent;

import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.core.TaskScheduler;
import io.github.mcpkeepalive.instrumentation.InstrumentationModule;
import io.github.mcpkeepalive.instrumentation.Instrumented;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * their own), the transformer stays until a class loader that holds one defines its first class
 * (the application's main class, in a Spring Boot jar: a seventh of the way into its start rather
 * than half, where its first MCP class loads), and that loader is settled the same way. A class
 * loader the application makes later (a plugin's, say) may bring a library of its own: its classes
 * are looked for 1, 2, 4 … s after the settling, then every {@link #LONGEST_WAIT_NANOS} ({@link
 * #run}), woven by retransformation when found, and their clients taken over at their next request,
 * as after a late attach. With {@code watch_class_loads=always} the transformer stays and this
 * class is not used.
 */
final class LoadWatch implements Runnable {

  static final long FIRST_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final long LONGEST_WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final Instrumentation inst;
  private final Weaver weaver;
  private final List<? extends Instrumented> libraries;
  // the classes some support weaves, by binary name (a.b.C), with their library
  private final Map<String, Instrumented> byName = new HashMap<>();
  // classes woven here, by retransformation; a class the transformer saw load is asked to it
  private final Map<Class<?>, Boolean> retransformed = new WeakHashMap<>();
  private TaskScheduler scheduler;
  private long waitNanos = FIRST_WAIT_NANOS;

  LoadWatch(Instrumentation inst, Weaver weaver, List<? extends Instrumented> libraries) {
    this.inst = inst;
    this.weaver = weaver;
    this.libraries = libraries;
    for (Instrumented library : libraries) {
      for (String name : library.typeNames()) {
        byName.put(name, library);
      }
    }
  }

  /**
   * Then, once the agent is set up: the looks start if {@code settled} (the class path's loader was
   * settled), and loaders are no longer noted. Otherwise each class loader that defines a class is
   * looked at for a library (the ones that already did, now), on {@code scheduler}'s thread, and
   * the first that holds one, and from which its classes load, is settled (a Spring Boot jar's
   * loader, as it defines the application's main class); the looks start then. The loader of the
   * first class woven is looked at again, whichever it is, in case its library came after its first
   * class or the class path's settling failed.
   */
  static void follow(
      LoadWatch settled,
      Instrumentation inst,
      Weaver weaver,
      List<? extends Instrumented> libraries,
      TaskScheduler scheduler) {
    if (settled != null) {
      weaver.whenLoaderDefines(null);
      settled.start(scheduler);
    } else {
      Follow follow = new Follow(inst, weaver, libraries, scheduler);
      weaver.whenLoaderDefines(follow);
      weaver.whenFirstWoven(follow.new FirstWoven());
    }
  }

  /**
   * Hands each class loader it is told to the scheduler's thread, which settles the first that
   * holds a library.
   */
  private static final class Follow implements Consumer<ClassLoader> {
    private final Instrumentation inst;
    private final Weaver weaver;
    private final List<? extends Instrumented> libraries;
    private final TaskScheduler scheduler;
    private boolean done; // only on the scheduler's thread

    Follow(
        Instrumentation inst,
        Weaver weaver,
        List<? extends Instrumented> libraries,
        TaskScheduler scheduler) {
      this.inst = inst;
      this.weaver = weaver;
      this.libraries = libraries;
      this.scheduler = scheduler;
    }

    /** A loader that defined its first class: on the loading thread, inside the JVM's loading. */
    @Override
    public void accept(ClassLoader loader) {
      if (mayHoldLibrary(loader)) {
        scheduler.execute(new Check(loader));
      }
    }

    /** The loader of the first class woven, whichever it is. */
    final class FirstWoven implements Consumer<ClassLoader> {
      @Override
      public void accept(ClassLoader loader) {
        scheduler.execute(new Check(loader));
      }
    }

    /** A class rather than a lambda: made inside the JVM's loading of a class. */
    private final class Check implements Runnable {
      private final ClassLoader loader;

      Check(ClassLoader loader) {
        this.loader = loader;
      }

      @Override
      public void run() {
        if (done || !holdsLibrary(libraries, loader)) {
          return;
        }
        LoadWatch watch = settle(inst, weaver, libraries, loader, true);
        if (watch != null) {
          done = true;
          weaver.whenLoaderDefines(null);
          weaver.whenFirstWoven(null);
          watch.start(scheduler);
        }
      }
    }
  }

  /**
   * False for the class loaders that never hold a library of their own: the class path's, settled
   * at the set-up (looked at again only if a class it defines is woven), and those the JDK makes
   * for reflection's generated classes.
   */
  static boolean mayHoldLibrary(ClassLoader loader) {
    return loader != ClassLoader.getSystemClassLoader()
        && !loader.getClass().getName().equals("jdk.internal.reflect.DelegatingClassLoader");
  }

  private static boolean holdsLibrary(List<? extends Instrumented> libraries, ClassLoader loader) {
    boolean any = false;
    for (Instrumented library : libraries) {
      any |= library.lookIn(loader); // each asked, so that the settling finds every answer kept
    }
    return any;
  }

  /**
   * If {@code classPath} holds a library, the classes its version range weaves are loaded through
   * it (woven as they load) and the transformer is removed; the answer is then a watch to {@link
   * #start}. Null when the transformer stays: no library is on the class path, or the loading
   * failed.
   */
  static LoadWatch settle(
      Instrumentation inst,
      Weaver weaver,
      List<? extends Instrumented> libraries,
      ClassLoader classPath) {
    return settle(inst, weaver, libraries, classPath, false);
  }

  /**
   * As {@link #settle(Instrumentation, Weaver, List, ClassLoader)}; if {@code someLoaded}, the
   * transformer also stays when not one class could be loaded there (a loader that shows the
   * library's files but loads its classes from elsewhere, or a version left alone).
   */
  private static LoadWatch settle(
      Instrumentation inst,
      Weaver weaver,
      List<? extends Instrumented> libraries,
      ClassLoader classPath,
      boolean someLoaded) {
    try {
      long begin = System.nanoTime();
      int loaded = loadAhead(libraries, classPath);
      if (loaded == 0 && someLoaded) {
        Log.INSTRUMENTATION.debug(
            describe(classPath)
                + ": none loaded ahead there; class loads stay watched for another loader");
        return null;
      }
      if (loaded < 0) {
        Log.INSTRUMENTATION.debug(
            "no MCP library "
                + (classPath == ClassLoader.getSystemClassLoader()
                    ? "on the class path"
                    : "in class loader " + classPath.getClass().getName())
                + ": class loads are watched until a class loader that holds one defines a class");
        return null;
      }
      LoadWatch watch = new LoadWatch(inst, weaver, libraries);
      Log.INSTRUMENTATION.debug(
          describe(classPath)
              + " loaded and woven ahead ("
              + loaded
              + ") in "
              + (System.nanoTime() - begin) / 1_000_000
              + " ms; class loads are no longer watched, other class loaders' MCP classes are"
              + " looked for from time to time");
      inst.removeTransformer(weaver); // last: a failure before leaves every load watched
      return watch;
    } catch (Throwable t) {
      Log.INSTRUMENTATION.warn(
          "every class load stays watched, as the MCP classes of "
              + describe(classPath)
              + " could not be loaded ahead: "
              + Redact.error(t));
      return null;
    }
  }

  private static String describe(ClassLoader loader) {
    return loader == ClassLoader.getSystemClassLoader()
        ? "class path's MCP classes"
        : "MCP classes of class loader " + loader.getClass().getName();
  }

  /**
   * Loads through {@code loader}, not initialized, the classes that the version range of each
   * library there weaves: woven as they load while the transformer is registered. The number
   * loaded, or -1 when {@code loader} holds no library.
   */
  private static int loadAhead(List<? extends Instrumented> libraries, ClassLoader loader) {
    int loaded = 0;
    boolean any = false;
    for (Instrumented library : libraries) {
      if (!library.mayBeIn(loader)) {
        continue;
      }
      any = true;
      InstrumentationModule range = library.support().moduleFor(loader);
      if (range == null) {
        continue; // left alone there (logged once, with why)
      }
      for (String name : range.typeNames()) {
        try {
          Class.forName(name, false, loader);
          loaded++;
        } catch (Throwable t) {
          // cannot load (an optional dependency missing, say): the application meets the same
          Log.INSTRUMENTATION.debug("not loaded ahead: " + name + " (" + Redact.error(t) + ")");
        }
      }
    }
    return any ? loaded : -1;
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

  /**
   * The MCP classes loaded unseen since the transformer was removed, in a loader that holds their
   * library, woven now, each loader's whole: the others its libraries' ranges weave are loaded and
   * woven as they load, the ones found retransformed. The number retransformed.
   */
  int look() {
    Map<ClassLoader, List<Class<?>>> found = new LinkedHashMap<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      ClassLoader loader = c.getClassLoader();
      if (loader == null) {
        continue;
      }
      Instrumented library = byName.get(c.getName());
      if (library == null
          || retransformed.containsKey(c)
          || weaver.sawLoad(loader, c.getName())
          || !library.mayBeIn(loader)) {
        continue;
      }
      List<Class<?>> classes = found.get(loader);
      if (classes == null) {
        classes = new ArrayList<>();
        found.put(loader, classes);
      }
      classes.add(c);
    }
    if (found.isEmpty()) {
      return 0;
    }
    int done = 0;
    // registered while the loader's classes are loaded and the ones found retransformed: a class
    // loaded meanwhile is woven as it loads (and counted as seen loading), so never retransformed
    inst.addTransformer(weaver, true);
    try {
      for (Map.Entry<ClassLoader, List<Class<?>>> e : found.entrySet()) {
        ClassLoader loader = e.getKey();
        int ahead = loadAhead(libraries, loader);
        int late = 0;
        for (Class<?> c : e.getValue()) {
          retransformed.put(c, Boolean.TRUE);
          try {
            inst.retransformClasses(c);
            late++;
          } catch (Throwable t) {
            Log.INSTRUMENTATION.warn(
                "could not instrument "
                    + c.getName()
                    + " of a class loader made after the agent's set-up, left unchanged: "
                    + Redact.error(t));
          }
        }
        done += late;
        Log.INSTRUMENTATION.debug(
            describe(loader)
                + " found after the agent's set-up: of its "
                + Math.max(0, ahead)
                + " classes to weave, "
                + late
                + " retransformed, the others woven as they loaded now");
      }
    } finally {
      inst.removeTransformer(weaver);
    }
    return done;
  }
}
