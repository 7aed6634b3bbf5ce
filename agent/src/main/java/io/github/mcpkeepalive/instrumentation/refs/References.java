package io.github.mcpkeepalive.instrumentation.refs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything one library support relies on in the library's classes: the fields it reads, the
 * methods it calls, the methods, constructors and lambda bodies its advice is woven into. Each is
 * declared once, here, and used through the handle the declaration returns. Before any class of the
 * library is woven in a class loader, {@link #check} compares every declaration with that loader's
 * class files (read, never loaded), so a library whose internals differ is left alone as a whole
 * instead of being half-instrumented (the idea of OpenTelemetry's muzzle).
 */
public final class References {

  private final List<Object> declared = new ArrayList<>();

  /** A field {@code owner.name} of type {@code type} (binary class names). */
  public FieldRef field(String owner, String name, String type) {
    return add(new FieldRef(owner, name, type));
  }

  /**
   * A method {@code owner.name} with these parameter types (binary names; {@link MethodRef#ANY} for
   * any).
   */
  public MethodRef method(String owner, String name, String... params) {
    return add(new MethodRef(owner, name, false, Arrays.asList(params)));
  }

  /** A constructor of {@code owner} with these parameter types. */
  public MethodRef constructor(String owner, String... params) {
    return add(new MethodRef(owner, "<init>", false, Arrays.asList(params)));
  }

  /** The constructors of {@code owner}, whatever their parameters (at least one must exist). */
  public MethodRef constructors(String owner) {
    return add(new MethodRef(owner, "<init>", false, null));
  }

  /**
   * The body of a lambda written in method {@code enclosing} of {@code owner}, with these parameter
   * types.
   */
  public MethodRef lambda(String owner, String enclosing, String... params) {
    return add(new MethodRef(owner, enclosing, true, Arrays.asList(params)));
  }

  /**
   * Adds every declaration of {@code other} (a version range's references on top of the common
   * ones).
   */
  public References include(References other) {
    declared.addAll(other.declared);
    return this;
  }

  public int size() {
    return declared.size();
  }

  private <T> T add(T ref) {
    declared.add(ref);
    return ref;
  }

  /**
   * The outcome of a check: the first declaration that does not match, or null, and what it cost.
   */
  public record Result(String mismatch, int references, int classesRead, long nanos) {
    public boolean matches() {
      return mismatch == null;
    }
  }

  /** Compares every declaration, in order, with the classes {@code loader} would define. */
  public Result check(ClassLoader loader) {
    return check(new Shapes(loader));
  }

  /**
   * The same, reading the class files through {@code shapes} (shared by the checks of one loader).
   */
  public Result check(Shapes shapes) {
    long start = System.nanoTime();
    String mismatch = null;
    for (Object ref : declared) {
      mismatch =
          ref instanceof FieldRef
              ? ((FieldRef) ref).mismatch(shapes)
              : ((MethodRef) ref).mismatch(shapes);
      if (mismatch != null) {
        break;
      }
    }
    return new Result(mismatch, declared.size(), shapes.classesRead(), System.nanoTime() - start);
  }
}
