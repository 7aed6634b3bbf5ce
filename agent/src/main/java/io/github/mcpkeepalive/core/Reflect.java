package io.github.mcpkeepalive.core;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cached reflective access to members of the application's library classes, so that the agent never
 * links against a library version. Used by the declared references ({@code instrumentation.refs}),
 * whose members were checked before anything was woven.
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

  /** Invokes a no-argument or typed method, unwrapping the invocation exception. */
  public static Object call(Object target, Method m, Object... args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() == null ? e : e.getCause();
    }
  }
}
