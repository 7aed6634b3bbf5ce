package io.github.mcpkeepalive.instrumentation;

import io.github.mcpkeepalive.core.LibraryVersion;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.instrumentation.refs.References;
import io.github.mcpkeepalive.instrumentation.refs.Shapes;
import io.github.mcpkeepalive.instrumentation.weave.ClassWeaver;
import io.github.mcpkeepalive.instrumentation.weave.On;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The support for one client library: its version ranges ({@link InstrumentationModule}s, newest
 * first), and, per class loader, which of them applies. The decision is taken the first time a
 * class the library support names is loaded by that loader: the first module whose references all
 * match the loader's classes is applied, whole; when none matches, the library is left alone in
 * that loader, with one WARN line naming the first reference that does not match. The artifact
 * version is read for log lines only.
 */
public abstract class LibraryInstrumentation implements Instrumented {

  private static final InstrumentationModule NONE =
      new InstrumentationModule("none", new References(), List.of()) {
        @Override
        public List<On> hooksFor(String typeName) {
          return List.of();
        }
      };

  private final LibraryVersion version;
  private final String description;
  private final List<InstrumentationModule> modules;
  private final List<String> typeNames;
  private final Map<ClassLoader, InstrumentationModule> decided =
      Collections.synchronizedMap(new WeakHashMap<>());
  // the class files a full check read, per loader where it matched: what the build records
  private final Map<ClassLoader, String> filesChecked =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * @param version reads the library's version (for log lines) and knows the tested range
   * @param description for the start line: library, tested versions, transports
   * @param modules the version ranges, newest first
   */
  protected LibraryInstrumentation(
      LibraryVersion version, String description, List<InstrumentationModule> modules) {
    this.version = version;
    this.description = description;
    this.modules = List.copyOf(modules);
    Set<String> names = new LinkedHashSet<>();
    for (InstrumentationModule m : modules) {
      names.addAll(m.typeNames());
    }
    this.typeNames = List.copyOf(names);
  }

  public final LibraryVersion version() {
    return version;
  }

  public final String description() {
    return description;
  }

  public final List<InstrumentationModule> modules() {
    return modules;
  }

  /** Every class name that some version range weaves. */
  @Override
  public final List<String> typeNames() {
    return typeNames;
  }

  /** Itself: built already. */
  @Override
  public final LibraryInstrumentation support() {
    return this;
  }

  /**
   * Where a version is known not to match (an old client shape, say), what the user can do about
   * it; empty by default.
   */
  protected String hintFor(String version) {
    return "";
  }

  /**
   * The version range applied to {@code loader}, or null when the library is left alone there (not
   * present, no range matches, or weaving one of its classes failed).
   */
  public final InstrumentationModule moduleFor(ClassLoader loader) {
    if (loader == null) {
      return null;
    }
    InstrumentationModule m = decided.get(loader);
    if (m == null) {
      synchronized (decided) {
        m = decided.get(loader);
        if (m == null) {
          m = decide(loader);
          decided.put(loader, m);
        }
      }
    }
    return m == NONE ? null : m;
  }

  /** Whether the library is instrumented in {@code loader} (hooks register no client otherwise). */
  public final boolean active(ClassLoader loader) {
    return applied(loader) != null;
  }

  /**
   * The version range applied to {@code loader} when its classes were woven, or null; unlike {@link
   * #moduleFor} it decides nothing (a hook must not instrument a loader the weaver has not).
   */
  public final InstrumentationModule applied(ClassLoader loader) {
    InstrumentationModule m = loader == null ? null : decided.get(loader);
    return m == NONE ? null : m;
  }

  /**
   * A class of the applied range could not be woven after all: the library is treated as not
   * instrumented in {@code loader} from now on (its woven classes find no managed client), so that
   * it is never half-managed.
   */
  public final void abandon(ClassLoader loader, String why) {
    if (loader != null && decided.put(loader, NONE) != NONE) {
      Log.INSTRUMENTATION.warn(
          version.displayName()
              + " "
              + shown(version.read(loader))
              + " left alone, its clients run without keepalive: "
              + why);
    }
  }

  private InstrumentationModule decide(ClassLoader loader) {
    if (!version.presentIn(loader)) {
      return NONE; // a class of that name from elsewhere: the library is not in this loader
    }
    String v = version.read(loader);
    long start = System.nanoTime();
    Prebuilt prebuilt = Prebuilt.get();
    String known = prebuilt.checked(key(), loader);
    for (InstrumentationModule m : modules) {
      if (m.name().equals(known)) {
        long ms = (System.nanoTime() - start) / 1_000_000;
        return chosen(
            v,
            m,
            "the very class files whose check the build made, "
                + (prebuilt.checkedAhead(key(), loader)
                    ? "found ahead, beside the application's start (" + ms + " ms waited)"
                    : "found in " + ms + " ms"));
      }
    }
    List<String> mismatches = new ArrayList<>();
    Shapes shapes = new Shapes(loader);
    for (InstrumentationModule m : modules) {
      References.Result r = m.references().check(shapes);
      if (r.matches()) {
        filesChecked.put(loader, shapes.filesRead());
        return chosen(
            v,
            m,
            r.references()
                + " references in "
                + r.classesRead()
                + " classes checked in "
                + r.nanos() / 1_000_000
                + " ms");
      }
      mismatches.add(r.mismatch());
    }
    String hint = hintFor(v);
    Log.INSTRUMENTATION.warn(
        version.displayName()
            + " "
            + shown(v)
            + " left alone, its clients run without keepalive: its classes do not match what the agent relies on ("
            + (mismatches.isEmpty() ? "no version range" : mismatches.get(0))
            + "; tested: "
            + version.testedText()
            + ")"
            + (hint.isEmpty() ? "" : ". " + hint));
    return NONE;
  }

  /** The library's name in {@link Prebuilt}'s index. */
  final String key() {
    return getClass().getSimpleName();
  }

  /**
   * The class files (with checksums) that the reference check read in {@code loader} when it chose
   * a range there by reading them, or null (the build records it: {@link Prebuilt#checked}).
   */
  final String filesChecked(ClassLoader loader) {
    return filesChecked.get(loader);
  }

  /** Logs the range applied to a loader whose library is at version {@code v}; returns it. */
  private InstrumentationModule chosen(String v, InstrumentationModule m, String checked) {
    if (version.tested(v)) {
      Log.INSTRUMENTATION.debug(
          version.displayName() + " " + v + ": " + checked + "; instrumenting it with " + m.name());
    } else {
      Log.INSTRUMENTATION.info(
          version.displayName()
              + " "
              + shown(v)
              + " is an untested version (tested: "
              + version.testedText()
              + "), but everything the agent relies on matches ("
              + checked
              + "): instrumenting it with "
              + m.name());
    }
    return m;
  }

  /**
   * {@code name} woven for the range {@code range} applied to {@code loader}: as the build wove
   * these very bytes when it did ({@link Prebuilt}), else by the weaver now.
   */
  public static byte[] weave(
      InstrumentationModule range, String name, byte[] bytes, ClassLoader loader)
      throws IOException {
    byte[] pre = prebuilt(range, name, bytes, loader);
    return pre != null ? pre : weaveNow(range, name, bytes, loader);
  }

  /** {@code name} woven for {@code range} by the weaver now, whatever the build wove. */
  public static byte[] weaveNow(
      InstrumentationModule range, String name, byte[] bytes, ClassLoader loader) {
    return ClassWeaver.weave(bytes, range.hooksFor(name), loader);
  }

  /**
   * {@code name} as the build wove these very bytes for {@code range}, or null: the build did not,
   * or the hooks are not visible from {@code loader} ({@link Prebuilt#woven}).
   */
  public static byte[] prebuilt(
      InstrumentationModule range, String name, byte[] bytes, ClassLoader loader)
      throws IOException {
    return Prebuilt.get().woven(range, name, bytes, loader);
  }

  /**
   * Whether the range applied to {@code loader} is the one the build's check chose for the very
   * class files {@code loader} serves ({@link Prebuilt#checked}): the build then wove its classes
   * from those files, and each costs a lookup when it loads.
   */
  public final boolean wovenByBuild(ClassLoader loader) {
    InstrumentationModule m = applied(loader);
    return m != null && m.name().equals(Prebuilt.get().checked(key(), loader));
  }

  /**
   * Reads the library's version in {@code loader} (for the decision's line) and, unless {@code
   * loader} is the agent's own, builds the hooks of the range the build's check chose for the class
   * files it serves, deciding nothing and logging nothing: what the first class to weave needs is
   * then at hand. In the agent's own loader (the system class loader, which the set-up prepares,
   * unless the application names another) a class the build wove takes its hooks as visible without
   * their being built ({@link Prebuilt#hooksVisible}): building them loaded about 15 classes there
   * for nothing. Nothing is built when the build's check does not know these files.
   */
  public final void prepareAhead(ClassLoader loader) {
    version.read(loader);
    String known = Prebuilt.get().checked(key(), loader);
    if (known == null || loader == LibraryInstrumentation.class.getClassLoader()) {
      return;
    }
    for (InstrumentationModule m : modules) {
      if (m.name().equals(known)) {
        for (String type : m.typeNames()) {
          m.hooksFor(type);
        }
      }
    }
  }

  private static String shown(String v) {
    return v == null ? "of unknown version" : v;
  }
}
