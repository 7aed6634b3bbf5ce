package io.github.mcpkeepalive.agent;

import io.github.mcpkeepalive.core.AgentRuntime;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.instrumentation.InstrumentationModule;
import io.github.mcpkeepalive.instrumentation.Instrumented;
import io.github.mcpkeepalive.instrumentation.Library;
import io.github.mcpkeepalive.instrumentation.LibraryInstrumentation;
import io.github.mcpkeepalive.instrumentation.TargetPackages;
import io.github.mcpkeepalive.instrumentation.refs.ClassFiles;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The one transformer the agent registers with the JVM. Every class the JVM defines while it is
 * registered ({@link LoadWatch} says how long) passes through it; a class outside the few packages
 * the instrumentation weaves ({@link TargetPackages}) costs a few prefix tests and is returned
 * untouched. The transformer is registered first, at once; the libraries it weaves are handed to it
 * by the agent's set-up ({@link #ready}), which runs beside the application's start, and a class to
 * weave that comes earlier waits for it. When a named class loads, its library's references are
 * checked against the class loader (once per loader) and, if a version range matches, the class
 * gets that range's hooks woven in: as the build already wove these very bytes ({@link
 * io.github.mcpkeepalive.instrumentation.Prebuilt}), or by {@link
 * io.github.mcpkeepalive.instrumentation.weave.ClassWeaver} in a single ASM pass over its bytes. A
 * class that cannot be woven leaves the whole library alone in that loader.
 *
 * <p>No bytecode library beyond ASM's core is used: Byte Buddy's {@code Advice} did this job in an
 * earlier version, at the cost of loading and running about 600 of its classes cold when the first
 * MCP class loaded (about 0.4 s of the application's start).
 */
final class Weaver implements ClassFileTransformer {

  // by internal name (a/b/C); null until the agent is set up
  private volatile Map<String, Instrumented> targets;
  private final CountDownLatch setUp = new CountDownLatch(1);
  private final Predicate<String> covered;
  // Plain atomics: transform() runs inside the loading of any JDK class too, so the path for a
  // class that is not a target must use nothing that could itself need a class loaded (a
  // LongAdder's VarHandle did: ClassCircularityError on VarHandle$AccessDescriptor).
  private final AtomicLong seen = new AtomicLong();
  private final AtomicLong examined = new AtomicLong();
  // the classes examined as they loaded, by class loader: what a later look must not weave again
  private final Map<ClassLoader, Set<String>> examinedAtLoad = new WeakHashMap<>();
  private Consumer<ClassLoader> firstWoven; // guarded by examinedAtLoad, as is firstLoader
  private WeakReference<ClassLoader> firstLoader; // of the first class woven as it loaded
  // the class loaders that defined a class while the transformer was registered, and who is told
  // of each new one (the load watch, until it settles one): guarded by definers
  private final Map<ClassLoader, Boolean> definers = new WeakHashMap<>();
  private Consumer<ClassLoader> newDefiner;
  // the last loader noticed: a class load from the same loader takes no lock
  private volatile WeakReference<ClassLoader> lastDefiner = new WeakReference<>(null);
  private volatile boolean noteDefiners = true; // until no one will ever be told
  private final ClassLoader platform = ClassLoader.getPlatformClassLoader();

  /**
   * A weaver for the classes the libraries' supports weave ({@link Library#weaves}, behind the
   * cheaper prefix test of {@link TargetPackages}): only those wait for the set-up, not the other
   * classes of the same packages, which the application loads first.
   */
  Weaver() {
    this(new Woven());
  }

  /**
   * The classes some support weaves: a class rather than a lambda, as it is built in premain, on
   * the application's main thread (see {@link KeepaliveAgent}).
   */
  private static final class Woven implements Predicate<String> {
    @Override
    public boolean test(String name) {
      return TargetPackages.covers(name) && Library.weaves(name);
    }
  }

  /** A weaver for the classes whose internal names {@code covered} accepts. */
  Weaver(Predicate<String> covered) {
    this.covered = covered;
    // the platform loader defines JDK classes only (never noted); its entry loads the map's entry
    // class here rather than inside some class's loading
    definers.put(platform, Boolean.TRUE);
  }

  /**
   * The libraries are known: classes to weave are woven from now on. Called once, by the agent's
   * set-up.
   */
  void ready(List<? extends Instrumented> libraries) {
    Map<String, Instrumented> byName = new HashMap<>();
    for (Instrumented library : libraries) {
      for (String name : library.typeNames()) {
        byName.put(name.replace('.', '/'), library);
      }
    }
    targets = byName;
    setUp.countDown();
  }

  /** The agent will not run: classes that wait for its set-up are left alone. */
  void disable() {
    targets = Map.of();
    setUp.countDown();
  }

  /**
   * The libraries' classes, by internal name, once the agent is set up; a class that comes before
   * waits for it (only a class the weaver covers ever does).
   */
  private Map<String, Instrumented> targets() {
    Map<String, Instrumented> t = targets;
    if (t != null) {
      return t;
    }
    try {
      if (!setUp.await(AgentRuntime.SET_UP_WAIT_SECONDS, TimeUnit.SECONDS)) {
        Log.once(
            Log.Level.WARN,
            "set-up-wait",
            "the agent's set-up took more than "
                + AgentRuntime.SET_UP_WAIT_SECONDS
                + " s; MCP classes loaded meanwhile are left unchanged");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    t = targets;
    return t == null ? Map.of() : t;
  }

  /** A class woven before the JVM asked for it: used only if the JVM brings the same bytes. */
  private record Prepared(ClassLoader loader, byte[] original, byte[] woven) {}

  private final Map<String, Prepared> prepared = new ConcurrentHashMap<>();

  /** What {@link #prepare} did for a class loader. */
  record Readiness(int wovenAhead, int wovenByBuild) {
    boolean any() {
      return wovenAhead + wovenByBuild > 0;
    }
  }

  /**
   * Decides, on the calling thread, which version range applies to {@code loader} for each library
   * there, and weaves ahead the classes that range weaves when the build did not: a class the build
   * wove for the very class files {@code loader} serves costs only a lookup when it loads, while
   * reading it ahead through {@code loader} costs a resource lookup and a read. Classes are read as
   * {@code loader} would define them; a class that cannot be woven leaves its library alone there,
   * as it would when loaded.
   */
  Readiness prepare(ClassLoader loader) {
    int ahead = 0;
    int byBuild = 0;
    for (Instrumented candidate : new HashSet<>(targets().values())) {
      if (!candidate.mayBeIn(loader)) {
        continue; // absent: its support is not even built
      }
      LibraryInstrumentation library = candidate.support();
      InstrumentationModule range = library.moduleFor(loader);
      if (range == null) {
        continue;
      }
      if (library.wovenByBuild(loader)) {
        byBuild += range.typeNames().size();
        continue;
      }
      List<String> names = new ArrayList<>(range.typeNames());
      // transports first: an application builds its transport before the client that uses it
      names.sort(Comparator.comparing(name -> !name.endsWith("Transport")));
      for (String name : names) {
        try {
          byte[] original = ClassFiles.read(loader, name);
          if (original == null) {
            continue;
          }
          prepared.put(
              name.replace('.', '/'),
              new Prepared(
                  loader, original, LibraryInstrumentation.weave(range, name, original, loader)));
          ahead++;
        } catch (Throwable t) {
          library.abandon(loader, "could not instrument " + name + ": " + Redact.error(t));
          break;
        }
      }
    }
    return new Readiness(ahead, byBuild);
  }

  /** Drops what was woven ahead and not asked for (the application did not load those classes). */
  void forgetPrepared() {
    prepared.clear();
  }

  /** Retransforms the targeted classes already loaded (a late attach). */
  void retransformLoaded(Instrumentation inst) {
    Map<String, Instrumented> t = targets();
    List<Class<?>> loaded = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (t.containsKey(c.getName().replace('.', '/')) && inst.isModifiableClass(c)) {
        loaded.add(c);
      }
    }
    for (Class<?> c : loaded) {
      try {
        inst.retransformClasses(c);
      } catch (Throwable t2) {
        Log.INSTRUMENTATION.warn(
            "could not instrument the already loaded "
                + c.getName()
                + ", left unchanged: "
                + Redact.error(t2));
      }
    }
  }

  /**
   * Whether the class of binary name {@code name} (a.b.C) in {@code loader} passed through this
   * weaver as it loaded: woven then, or left alone on purpose.
   */
  boolean sawLoad(ClassLoader loader, String name) {
    synchronized (examinedAtLoad) {
      Set<String> names = examinedAtLoad.get(loader);
      return names != null && names.contains(name);
    }
  }

  /**
   * {@code then} is told, once, the class loader of the first class woven as it loads: now, if one
   * was, else when it is (on the thread that loads it, inside the JVM's class loading: {@code then}
   * must only hand the work on).
   */
  void whenFirstWoven(Consumer<ClassLoader> then) {
    ClassLoader woven;
    synchronized (examinedAtLoad) {
      if (firstLoader == null) {
        firstWoven = then;
        return;
      }
      woven = firstLoader.get();
    }
    tell(then, woven);
  }

  private byte[] firstWoven(ClassLoader loader, byte[] woven) {
    if (woven == null || loader == null) {
      return woven;
    }
    Consumer<ClassLoader> then = null;
    synchronized (examinedAtLoad) {
      if (firstLoader == null) {
        firstLoader = new WeakReference<>(loader);
        then = firstWoven;
        firstWoven = null;
      }
    }
    tell(then, loader);
    return woven;
  }

  /**
   * {@code then} is told each class loader that defines a class while the transformer is
   * registered, once: now those that already did, the others when they do (on the thread that loads
   * the class, inside the JVM's class loading: {@code then} must only hand the work on). The boot
   * and platform loaders, which define only the JDK's classes, are not told. Null: no one, ever
   * again; the loaders are no longer noted.
   */
  void whenLoaderDefines(Consumer<ClassLoader> then) {
    List<ClassLoader> already;
    synchronized (definers) {
      newDefiner = then;
      if (then == null) {
        noteDefiners = false;
        definers.clear();
        return;
      }
      already = new ArrayList<>(definers.keySet());
    }
    for (ClassLoader loader : already) {
      if (loader != platform) {
        tell(then, loader);
      }
    }
  }

  private void noticeDefiner(ClassLoader loader) {
    Consumer<ClassLoader> then;
    try {
      synchronized (definers) {
        lastDefiner = new WeakReference<>(loader);
        // a loader's own equals and hashCode run here (the map's): whatever they throw stays here
        if (definers.put(loader, Boolean.TRUE) != null) {
          return;
        }
        then = newDefiner;
      }
    } catch (Throwable t) {
      return; // that loader goes unnoted; its MCP classes are still woven as they load
    }
    tell(then, loader);
  }

  private static void tell(Consumer<ClassLoader> then, ClassLoader loader) {
    if (then == null || loader == null) {
      return;
    }
    try {
      then.accept(loader);
    } catch (Throwable t) {
      // the class loads all the same; only the following of its loader is lost
      Log.INSTRUMENTATION.warn(
          "a class loader could not be followed, its MCP classes are woven only as they load: "
              + Redact.error(t));
    }
  }

  /** Classes defined or retransformed since the weaver was installed. */
  long classesSeen() {
    return seen.get();
  }

  /** Of those, the classes that were looked at beyond their name: only the instrumented ones. */
  long classesExamined() {
    return examined.get();
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String className,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] bytes) {
    seen.incrementAndGet();
    if (noteDefiners
        && loader != null
        && loader != platform
        && redefined == null
        && loader != lastDefiner.get()) {
      noticeDefiner(loader);
    }
    if (className == null || !covered.test(className)) {
      return null;
    }
    Instrumented target = targets().get(className);
    if (target == null) {
      return null;
    }
    LibraryInstrumentation library = target.support();
    examined.incrementAndGet();
    String name = className.replace('/', '.');
    if (redefined == null && loader != null) {
      synchronized (examinedAtLoad) {
        Set<String> names = examinedAtLoad.get(loader); // no lambda: an application's thread
        if (names == null) {
          names = new HashSet<>();
          examinedAtLoad.put(loader, names);
        }
        names.add(name);
      }
    }
    InstrumentationModule range = null;
    try {
      range = library.moduleFor(loader); // checks the library's references once per class loader
      if (range == null || !range.typeNames().contains(name)) {
        return null; // left alone (logged once, with why), or a class only another version range
        // weaves
      }
      Prepared ahead = prepared.remove(className);
      if (ahead != null && ahead.loader() == loader && Arrays.equals(ahead.original(), bytes)) {
        Log.INSTRUMENTATION.debug("instrumented " + name + " (woven ahead)");
        return firstWoven(loader, ahead.woven());
      }
      long start = System.nanoTime();
      byte[] woven = LibraryInstrumentation.prebuilt(range, name, bytes, loader);
      if (woven != null) {
        Log.INSTRUMENTATION.debug("instrumented " + name + " (woven by the build)");
        return firstWoven(loader, woven);
      }
      woven = LibraryInstrumentation.weaveNow(range, name, bytes, loader);
      Log.INSTRUMENTATION.debug(
          "instrumented " + name + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
      return firstWoven(loader, woven);
    } catch (Throwable t) {
      if (range != null) {
        library.abandon(loader, "could not instrument " + name + ": " + Redact.error(t));
      } else {
        Log.once(
            Log.Level.WARN,
            "transform-" + name,
            "could not instrument " + name + ", left unchanged: " + Redact.error(t));
      }
      return null;
    }
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String className,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] bytes) {
    return transform(null, loader, className, redefined, domain, bytes);
  }
}
