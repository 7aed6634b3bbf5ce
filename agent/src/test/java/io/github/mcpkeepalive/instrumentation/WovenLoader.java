package io.github.mcpkeepalive.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.Map;

/**
 * A real library of the test class path defined again by a class loader of its own, and woven on
 * the way in as the agent weaves it: the version range decided for this loader, each class it names
 * woven. Child first for the library's packages only; everything else, the agent's hooks among it,
 * comes from the parent, so the hooks woven into the library run inside it as they do under the
 * agent. The test reaches the library's classes by name and calls them through {@link #call}.
 */
public final class WovenLoader extends URLClassLoader {

  private static final Map<Class<?>, Class<?>> BOXES =
      Map.of(
          boolean.class, Boolean.class,
          int.class, Integer.class,
          long.class, Long.class,
          double.class, Double.class);

  private final LibraryInstrumentation library;
  private final String prefix;

  /**
   * @param library the support that decides the range and weaves, as the agent's transformer does
   * @param prefix the packages defined here (with a trailing dot)
   * @param fromJarsOf classes whose jars hold the library (every jar of the library that defines
   *     classes under {@code prefix} that the test uses)
   */
  public WovenLoader(
      LibraryInstrumentation library, String prefix, ClassLoader parent, Class<?>... fromJarsOf) {
    super(
        Arrays.stream(fromJarsOf)
            .map(c -> c.getProtectionDomain().getCodeSource().getLocation())
            .toArray(URL[]::new),
        parent);
    this.library = library;
    this.prefix = prefix;
  }

  public Class<?> type(String name) throws ClassNotFoundException {
    return loadClass(name);
  }

  /** {@code type.builder().option(value).build()}. */
  public Object build(String type, String option, Object value) throws Exception {
    Object builder = type(type).getMethod("builder").invoke(null);
    call(builder, option, value);
    return call(builder, "build");
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!name.startsWith(prefix)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        c = define(name);
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }

  private Class<?> define(String name) throws ClassNotFoundException {
    URL file = findResource(name.replace('.', '/') + ".class");
    if (file == null) {
      throw new ClassNotFoundException(name);
    }
    try (InputStream in = file.openStream()) {
      byte[] bytes = in.readAllBytes();
      InstrumentationModule range = library.moduleFor(this);
      if (range != null && range.typeNames().contains(name)) {
        bytes = LibraryInstrumentation.weave(range, name, bytes, this);
      }
      return defineClass(name, bytes, 0, bytes.length);
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
  }

  /**
   * Calls the public method {@code name} of {@code target} that takes {@code args} (a static one
   * when {@code target} is a {@code Class} and has it); what it throws is thrown as it is.
   */
  public static Object call(Object target, String name, Object... args) throws Exception {
    Class<?> type = target instanceof Class<?> c ? c : target.getClass();
    for (Method m : type.getMethods()) {
      boolean isStatic = Modifier.isStatic(m.getModifiers());
      if (m.getName().equals(name)
          && m.getParameterCount() == args.length
          && (isStatic || !(target instanceof Class<?>))
          && fits(m.getParameterTypes(), args)) {
        try {
          return m.invoke(isStatic ? null : target, args);
        } catch (InvocationTargetException e) {
          throw e.getCause() instanceof Exception x ? x : e;
        }
      }
    }
    throw new NoSuchMethodException(type.getName() + "." + name);
  }

  private static boolean fits(Class<?>[] types, Object[] args) {
    for (int i = 0; i < args.length; i++) {
      Class<?> t = BOXES.getOrDefault(types[i], types[i]);
      if (args[i] == null ? types[i].isPrimitive() : !t.isInstance(args[i])) {
        return false;
      }
    }
    return true;
  }
}
