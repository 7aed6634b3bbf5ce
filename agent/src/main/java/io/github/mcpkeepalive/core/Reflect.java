package io.github.mcpkeepalive.core;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cached reflective access to members of the application's library classes, so that the agent never
 * links against a library version. A missing member raises {@link NoSuchFieldException} or {@link
 * NoSuchMethodException}, which callers turn into "unsupported version" log lines.
 */
public final class Reflect {

  private static final ClassValue<ConcurrentHashMap<String, Object>> CACHE =
      new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<String, Object> computeValue(Class<?> type) {
          return new ConcurrentHashMap<>();
        }
      };

  private Reflect() {}

  /** A field declared by {@code type} or a superclass, made accessible. */
  public static Field field(Class<?> type, String name) throws NoSuchFieldException {
    String key = "f:" + name;
    Object cached = CACHE.get(type).get(key);
    if (cached instanceof Field) {
      return (Field) cached;
    }
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        CACHE.get(type).put(key, f);
        return f;
      } catch (NoSuchFieldException ignored) {
        // try the superclass
      }
    }
    throw new NoSuchFieldException(type.getName() + "." + name);
  }

  /** A method declared by {@code type} or a superclass (any visibility), made accessible. */
  public static Method method(Class<?> type, String name, Class<?>... params)
      throws NoSuchMethodException {
    StringBuilder key = new StringBuilder("m:").append(name);
    for (Class<?> p : params) {
      key.append(',').append(p.getName());
    }
    Object cached = CACHE.get(type).get(key.toString());
    if (cached instanceof Method) {
      return (Method) cached;
    }
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        Method m = c.getDeclaredMethod(name, params);
        m.setAccessible(true);
        CACHE.get(type).put(key.toString(), m);
        return m;
      } catch (NoSuchMethodException ignored) {
        // try the superclass
      }
    }
    // interfaces' public methods (e.g. Disposable.dispose on a lambda class)
    Method m = type.getMethod(name, params);
    m.setAccessible(true);
    CACHE.get(type).put(key.toString(), m);
    return m;
  }

  /** A method by name and parameter count only, for parameter types of a foreign class loader. */
  public static Method methodNamed(Class<?> type, String name, int paramCount)
      throws NoSuchMethodException {
    String key = "n:" + name + "/" + paramCount;
    Object cached = CACHE.get(type).get(key);
    if (cached instanceof Method) {
      return (Method) cached;
    }
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(name) && m.getParameterCount() == paramCount && !m.isBridge()) {
          m.setAccessible(true);
          CACHE.get(type).put(key, m);
          return m;
        }
      }
    }
    throw new NoSuchMethodException(type.getName() + "." + name + "/" + paramCount);
  }

  public static Object get(Object target, String field) throws ReflectiveOperationException {
    return field(target.getClass(), field).get(target);
  }

  public static void set(Object target, String field, Object value)
      throws ReflectiveOperationException {
    field(target.getClass(), field).set(target, value);
  }

  /** Invokes a no-argument or typed method, unwrapping the invocation exception. */
  public static Object call(Object target, Method m, Object... args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() == null ? e : e.getCause();
    }
  }
}
