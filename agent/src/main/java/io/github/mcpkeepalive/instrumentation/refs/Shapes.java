package io.github.mcpkeepalive.instrumentation.refs;

import java.util.HashMap;
import java.util.Map;
import org.objectweb.asm.Type;

/**
 * The class files a reference check reads through one class loader, each read and parsed once, so
 * that the version ranges of a library checked one after the other share them.
 */
public final class Shapes {

  private final ClassLoader loader;
  private final Map<String, ClassShape> read = new HashMap<>();

  public Shapes(ClassLoader loader) {
    this.loader = loader;
  }

  /** The shape of a class by binary name, or null when the loader has no such class. */
  ClassShape get(String binaryName) {
    if (binaryName.startsWith("java.")) {
      return null; // the JDK's classes are not the library's: references stop at them
    }
    if (!read.containsKey(binaryName)) {
      read.put(binaryName, ClassShape.read(loader, binaryName));
    }
    return read.get(binaryName);
  }

  int classesRead() {
    return read.size();
  }

  /**
   * The JVM descriptor of a binary class name or primitive: {@code long} is J, {@code a.B$C} is
   * La/B$C;.
   */
  static String descriptor(String typeName) {
    switch (typeName) {
      case "void":
        return "V";
      case "boolean":
        return "Z";
      case "byte":
        return "B";
      case "char":
        return "C";
      case "short":
        return "S";
      case "int":
        return "I";
      case "long":
        return "J";
      case "float":
        return "F";
      case "double":
        return "D";
      default:
        return "L" + typeName.replace('.', '/') + ";";
    }
  }

  static String typeName(String descriptor) {
    return Type.getType(descriptor).getClassName();
  }
}
