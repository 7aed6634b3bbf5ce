package io.github.mcpkeepalive.agent;

import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.instrumentation.InstrumentationModule;
import io.github.mcpkeepalive.instrumentation.LibraryInstrumentation;
import io.github.mcpkeepalive.instrumentation.weave.ClassWeaver;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one transformer the agent registers with the JVM. Every class the JVM defines passes through
 * it; a class that is not one of the few the instrumentation names costs one hash lookup and is
 * returned untouched. When a named class loads, its library's references are checked against the
 * class loader (once per loader) and, if a version range matches, the class gets that range's hooks
 * woven in by {@link ClassWeaver}, in a single ASM pass over its bytes. A class that cannot be
 * woven leaves the whole library alone in that loader.
 *
 * <p>No bytecode library beyond ASM's core is used: Byte Buddy's {@code Advice} did this job in an
 * earlier version, at the cost of loading and running about 600 of its classes cold when the first
 * MCP class loaded (about 0.4 s of the application's start).
 */
final class Weaver implements ClassFileTransformer {

  private final Map<String, LibraryInstrumentation> targets =
      new HashMap<>(); // by internal name: a/b/C
  // Plain atomics: transform() runs inside the loading of any JDK class too, so the path for a
  // class that is not a target must use nothing that could itself need a class loaded (a
  // LongAdder's VarHandle did: ClassCircularityError on VarHandle$AccessDescriptor).
  private final AtomicLong seen = new AtomicLong();
  private final AtomicLong examined = new AtomicLong();

  Weaver(List<LibraryInstrumentation> libraries) {
    for (LibraryInstrumentation library : libraries) {
      for (String name : library.typeNames()) {
        targets.put(name.replace('.', '/'), library);
      }
    }
  }

  /** Registers the weaver, then retransforms the targeted classes already loaded (late attach). */
  void install(Instrumentation inst) {
    inst.addTransformer(this, true);
    List<Class<?>> loaded = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (targets.containsKey(c.getName().replace('.', '/')) && inst.isModifiableClass(c)) {
        loaded.add(c);
      }
    }
    for (Class<?> c : loaded) {
      try {
        inst.retransformClasses(c);
      } catch (Throwable t) {
        Log.warn(
            "could not instrument the already loaded "
                + c.getName()
                + ", left unchanged: "
                + Redact.error(t));
      }
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
    LibraryInstrumentation library = className == null ? null : targets.get(className);
    if (library == null) {
      return null;
    }
    examined.incrementAndGet();
    String name = className.replace('/', '.');
    InstrumentationModule range = null;
    try {
      range = library.moduleFor(loader); // checks the library's references once per class loader
      if (range == null || !range.typeNames().contains(name)) {
        return null; // left alone (logged once, with why), or a class only another version range
        // weaves
      }
      long start = System.nanoTime();
      byte[] woven = ClassWeaver.weave(bytes, range.hooksFor(name), loader);
      Log.debug("instrumented " + name + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
      return woven;
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
