package io.github.mcpkeepalive.instrumentation.refs;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.objectweb.asm.Type;

/**
 * The class files a reference check reads through one class loader, each read and parsed once, so
 * that the version ranges of a library checked one after the other share them.
 */
public final class Shapes {

  private final ClassLoader loader;
  private final Map<String, ClassShape> read = new HashMap<>();
  private final Map<String, String> sums = new LinkedHashMap<>(); // in the order read

  public Shapes(ClassLoader loader) {
    this.loader = loader;
  }

  /** The shape of a class by binary name, or null when the loader has no such class. */
  ClassShape get(String binaryName) {
    if (binaryName.startsWith("java.")) {
      return null; // the JDK's classes are not the library's: references stop at them
    }
    if (!read.containsKey(binaryName)) {
      ClassShape shape = null;
      String sum = ABSENT;
      try {
        byte[] bytes = ClassFiles.read(loader, binaryName);
        if (bytes != null) {
          sum = ClassFiles.sum(bytes);
          shape = ClassShape.parse(bytes);
        }
      } catch (Exception e) {
        shape = null; // unreadable counts as absent: the check then fails, the library left alone
      }
      read.put(binaryName, shape);
      sums.put(binaryName, sum);
    }
    return read.get(binaryName);
  }

  /** The checksums of a class file that {@link #filesRead} lists for an absent class. */
  public static final String ABSENT = "-";

  /**
   * The class files read so far, in order, as {@code NAME=SUM} joined by {@code ;}: everything a
   * check made through these shapes depended on.
   */
  public String filesRead() {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : sums.entrySet()) {
      b.append(b.length() == 0 ? "" : ";").append(e.getKey()).append('=').append(e.getValue());
    }
    return b.toString();
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
