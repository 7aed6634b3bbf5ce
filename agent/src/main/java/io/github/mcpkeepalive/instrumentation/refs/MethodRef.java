package io.github.mcpkeepalive.instrumentation.refs;

import io.github.mcpkeepalive.core.Reflect;
import io.github.mcpkeepalive.instrumentation.weave.MethodMatcher;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.stream.Collectors;
import org.objectweb.asm.Type;

/**
 * A method, constructor or lambda body of a library class that the agent hooks or calls, declared
 * once. The reference check proves that exactly one declared method has this shape; the same
 * declaration gives the advice its method matcher and the hooks their reflective call, so what is
 * woven or called is always what was checked.
 *
 * <p>A lambda is matched by the method it appears in and its parameter types, never by the number
 * the compiler gave it: {@code lambda$connect$7(SignalType)} is "the lambda of connect that takes a
 * SignalType", which survives a release that adds or reorders lambdas.
 */
public final class MethodRef {

  /** A parameter of any type. */
  public static final String ANY = "*";

  private final String owner;
  private final String name;
  private final boolean lambda;
  private final List<String> params; // null: any parameters (and then one match or more is fine)
  private Boolean staticness;
  private String returns;

  MethodRef(String owner, String name, boolean lambda, List<String> params) {
    this.owner = owner;
    this.name = name;
    this.lambda = lambda;
    this.params = params == null ? null : List.copyOf(params);
  }

  /** Declares that the method must (not) be static. */
  public MethodRef isStatic(boolean value) {
    this.staticness = value;
    return this;
  }

  /** Declares the return type (a binary class name, or a primitive such as {@code boolean}). */
  public MethodRef returning(String type) {
    this.returns = type;
    return this;
  }

  /**
   * The methods of the owner that this reference designates, for the weaver: the same test the
   * reference check applies to the class file.
   */
  public MethodMatcher matcher() {
    return (access, methodName, descriptor) ->
        matches(new ClassShape.Method(access, methodName, descriptor));
  }

  /**
   * Calls this (named) method on {@code target}, an instance of the owner, a subclass or an
   * implementation.
   */
  public Object invoke(Object target, Object... args) throws Throwable {
    return Reflect.call(target, resolved.get(target.getClass()), args);
  }

  /** Calls this static method of the owner as {@code loader} defines it. */
  public Object invokeStatic(ClassLoader loader, Object... args) throws Throwable {
    return Reflect.call(null, resolved.get(Class.forName(owner, false, loader)), args);
  }

  /** Calls this constructor of the owner as {@code loader} defines it. */
  public Object construct(ClassLoader loader, Object... args) throws Throwable {
    try {
      return constructor.get(Class.forName(owner, false, loader)).newInstance(args);
    } catch (InvocationTargetException e) {
      throw e.getCause() == null ? e : e.getCause();
    }
  }

  /** Per owner class: the one declared constructor with this shape. */
  private final ClassValue<Constructor<?>> constructor =
      new ClassValue<>() {
        @Override
        protected Constructor<?> computeValue(Class<?> type) {
          for (Constructor<?> k : type.getDeclaredConstructors()) {
            if (params != null && parametersMatch(k.getParameterTypes())) {
              k.setAccessible(true);
              return k;
            }
          }
          throw new IllegalStateException(MethodRef.this + " not found in " + type.getName());
        }
      };

  private boolean parametersMatch(Class<?>[] types) {
    if (types.length != params.size()) {
      return false;
    }
    for (int i = 0; i < types.length; i++) {
      if (!ANY.equals(params.get(i)) && !types[i].getName().equals(params.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Per class the method is called on: the one declared method of the owner with this shape. */
  private final ClassValue<Method> resolved =
      new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
          Class<?> declaring = ownerSeenFrom(type);
          for (Class<?> c = declaring; c != null; c = c.getSuperclass()) {
            Method m = declaredMatch(c);
            if (m != null) {
              return m;
            }
          }
          for (Method m :
              declaring
                  .getMethods()) { // public methods of super-interfaces (Sinks.One.tryEmitError,
            // say)
            if (matches(m)) {
              m.setAccessible(true);
              return m;
            }
          }
          throw new IllegalStateException(MethodRef.this + " not found in " + type.getName());
        }
      };

  private Class<?> ownerSeenFrom(Class<?> type) {
    try {
      Class<?> declared = Class.forName(owner, false, type.getClassLoader());
      if (declared.isAssignableFrom(type)) {
        return declared;
      }
    } catch (ClassNotFoundException | LinkageError e) {
      // not visible from the target's loader
    }
    return type; // look in the target's own hierarchy
  }

  private Method declaredMatch(Class<?> c) {
    for (Method m : c.getDeclaredMethods()) {
      if (matches(m)) {
        m.setAccessible(true);
        return m;
      }
    }
    return null;
  }

  private boolean matches(Method m) {
    return !m.isBridge()
        && m.getName().equals(name)
        && params != null
        && parametersMatch(m.getParameterTypes());
  }

  /**
   * Null when exactly one method of the owner (or, for a named method, of its supertypes) matches.
   */
  String mismatch(Shapes shapes) {
    ClassShape c = shapes.get(owner);
    if (c == null) {
      return "class " + owner + " not found";
    }
    int found = count(c);
    if (found == 0 && !lambda && !"<init>".equals(name)) {
      found = inherited(shapes, c);
    }
    if (found == 1 || (params == null && found > 1)) {
      return null;
    }
    return this + (found == 0 ? " not found" : " is ambiguous (" + found + " matches)");
  }

  private int inherited(Shapes shapes, ClassShape c) {
    List<String> supers = new java.util.ArrayList<>(c.interfaces);
    if (c.superName != null) {
      supers.add(c.superName);
    }
    for (String s : supers) {
      ClassShape sup = shapes.get(s.replace('/', '.'));
      if (sup != null) {
        int n = count(sup);
        if (n == 0) {
          n = inherited(shapes, sup);
        }
        if (n > 0) {
          return n;
        }
      }
    }
    return 0;
  }

  private int count(ClassShape c) {
    int n = 0;
    for (ClassShape.Method m : c.methods) {
      if (matches(m)) {
        n++;
      }
    }
    return n;
  }

  boolean matches(ClassShape.Method m) {
    if (m.isBridge() || !(lambda ? m.name().startsWith(lambdaPrefix()) : m.name().equals(name))) {
      return false;
    }
    if (staticness != null && m.isStatic() != staticness) {
      return false;
    }
    if (params == null) {
      return returns == null || Type.getReturnType(m.descriptor()).getClassName().equals(returns);
    }
    Type[] args = Type.getArgumentTypes(m.descriptor());
    if (args.length != params.size()) {
      return false;
    }
    for (int i = 0; i < args.length; i++) {
      if (!ANY.equals(params.get(i)) && !args[i].getClassName().equals(params.get(i))) {
        return false;
      }
    }
    return returns == null || Type.getReturnType(m.descriptor()).getClassName().equals(returns);
  }

  private String lambdaPrefix() {
    return "lambda$" + name + "$";
  }

  @Override
  public String toString() {
    String shown =
        lambda ? "lambda of " + name : "<init>".equals(name) ? "constructor" : "method " + name;
    String args =
        params == null
            ? "..."
            : params.stream()
                .map(p -> p.substring(p.lastIndexOf('.') + 1))
                .collect(Collectors.joining(", "));
    return (staticness == Boolean.TRUE ? "static " : "")
        + shown
        + "("
        + args
        + ")"
        + (returns == null ? "" : " returning " + returns)
        + " of "
        + owner;
  }
}
