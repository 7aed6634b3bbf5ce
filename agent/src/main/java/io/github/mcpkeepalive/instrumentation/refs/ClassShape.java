package io.github.mcpkeepalive.instrumentation.refs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The declared members of one class, read from its class file through a class loader, without
 * loading or initializing the class: what a reference check compares the declared references with.
 * Method bodies are skipped, so reading even a large class costs well under a millisecond.
 */
final class ClassShape {

  /** One declared method: its access flags, name and JVM descriptor. */
  record Method(int access, String name, String descriptor) {
    boolean isStatic() {
      return (access & Opcodes.ACC_STATIC) != 0;
    }

    boolean isBridge() {
      return (access & Opcodes.ACC_BRIDGE) != 0;
    }
  }

  final String internalName;
  final String superName;
  final List<String> interfaces;

  /** Field name to JVM descriptor. */
  final Map<String, String> fields;

  final List<Method> methods;

  private ClassShape(
      String internalName,
      String superName,
      List<String> interfaces,
      Map<String, String> fields,
      List<Method> methods) {
    this.internalName = internalName;
    this.superName = superName;
    this.interfaces = interfaces;
    this.fields = fields;
    this.methods = methods;
  }

  /**
   * The shape of {@code binaryName} as {@code loader} would define it, or null when it has no such
   * class.
   */
  static ClassShape read(ClassLoader loader, String binaryName) {
    try {
      byte[] bytes = ClassFiles.read(loader, binaryName);
      return bytes == null ? null : parse(bytes);
    } catch (Exception e) {
      return null; // unreadable counts as absent: the check then fails and the library is left
      // alone
    }
  }

  static ClassShape parse(byte[] bytes) {
    Map<String, String> fields = new HashMap<>();
    List<Method> methods = new ArrayList<>();
    String[] header = new String[2];
    List<String> interfaces = new ArrayList<>();
    new ClassReader(bytes)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public void visit(
                  int version,
                  int access,
                  String name,
                  String signature,
                  String superName,
                  String[] ifaces) {
                header[0] = name;
                header[1] = superName;
                if (ifaces != null) {
                  interfaces.addAll(List.of(ifaces));
                }
              }

              @Override
              public FieldVisitor visitField(
                  int access, String name, String descriptor, String signature, Object value) {
                fields.put(name, descriptor);
                return null;
              }

              @Override
              public MethodVisitor visitMethod(
                  int access,
                  String name,
                  String descriptor,
                  String signature,
                  String[] exceptions) {
                methods.add(new Method(access, name, descriptor));
                return null;
              }
            },
            ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return new ClassShape(header[0], header[1], List.copyOf(interfaces), fields, methods);
  }
}
