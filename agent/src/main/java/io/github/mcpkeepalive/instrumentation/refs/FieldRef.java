package io.github.mcpkeepalive.instrumentation.refs;

import io.github.mcpkeepalive.core.Reflect;

/**
 * A field of a library class that the agent reads or writes, declared once: the reference check
 * proves it exists with the declared type before anything is woven, and the hooks reach it only
 * through this handle.
 */
public final class FieldRef {

  private final String owner;
  private final String name;
  private final String type;

  FieldRef(String owner, String name, String type) {
    this.owner = owner;
    this.name = name;
    this.type = type;
  }

  /** The field's value in {@code target} (an instance of the owner or a subclass). */
  public Object get(Object target) throws ReflectiveOperationException {
    return Reflect.field(target.getClass(), name).get(target);
  }

  public void set(Object target, Object value) throws ReflectiveOperationException {
    Reflect.field(target.getClass(), name).set(target, value);
  }

  public String name() {
    return name;
  }

  /** Null when {@code shapes} has the field with the declared type, else what is missing. */
  String mismatch(Shapes shapes) {
    for (ClassShape c = shapes.get(owner);
        c != null;
        c = c.superName == null ? null : shapes.get(c.superName.replace('/', '.'))) {
      String descriptor = c.fields.get(name);
      if (descriptor != null) {
        return descriptor.equals(Shapes.descriptor(type))
            ? null
            : this + " has type " + Shapes.typeName(descriptor);
      }
    }
    return shapes.get(owner) == null ? "class " + owner + " not found" : this + " not found";
  }

  @Override
  public String toString() {
    return "field " + owner + "." + name + " (" + type + ")";
  }
}
