package io.github.mcpkeepalive.instrumentation.refs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /** A shape built from parts, for tests that compare readers. */
  static ClassShape forTest(
      String name,
      String superName,
      List<String> interfaces,
      Map<String, String> fields,
      List<Method> methods) {
    return new ClassShape(name, superName, List.copyOf(interfaces), fields, methods);
  }

  static ClassShape parse(byte[] bytes) {
    return new ClassFileReader(bytes).shape();
  }

  /**
   * Reads the members of a class file (JVMS 4) and nothing else: the constant pool is walked to
   * find where each entry starts, and only the names and descriptors asked for are decoded. Plain
   * code, one class: the check reads a library's shape at start-up without loading a bytecode
   * library (ASM is loaded only if a class must be woven at run time).
   */
  private static final class ClassFileReader {
    private final byte[] b;
    private final int[] offsets; // of each constant pool entry's content (after its tag)
    private int pos;

    ClassFileReader(byte[] bytes) {
      this.b = bytes;
      if (u4(0) != 0xCAFEBABE) {
        throw new IllegalArgumentException("not a class file");
      }
      int count = u2(8);
      offsets = new int[count];
      pos = 10;
      for (int i = 1; i < count; i++) {
        int tag = b[pos] & 0xFF;
        offsets[i] = pos + 1;
        switch (tag) {
          case 1: // Utf8
            pos += 3 + u2(pos + 1);
            break;
          case 3: // Integer
          case 4: // Float
          case 9: // Fieldref
          case 10: // Methodref
          case 11: // InterfaceMethodref
          case 12: // NameAndType
          case 17: // Dynamic
          case 18: // InvokeDynamic
            pos += 5;
            break;
          case 5: // Long
          case 6: // Double
            pos += 9;
            i++; // takes two entries
            break;
          case 7: // Class
          case 8: // String
          case 16: // MethodType
          case 19: // Module
          case 20: // Package
            pos += 3;
            break;
          case 15: // MethodHandle
            pos += 4;
            break;
          default:
            throw new IllegalArgumentException("constant pool tag " + tag + " at " + pos);
        }
      }
    }

    ClassShape shape() {
      pos += 2; // access flags
      String name = className(u2(pos));
      int superIndex = u2(pos + 2);
      String superName = superIndex == 0 ? null : className(superIndex);
      int interfaceCount = u2(pos + 4);
      pos += 6;
      List<String> interfaces = new ArrayList<>(interfaceCount);
      for (int i = 0; i < interfaceCount; i++, pos += 2) {
        interfaces.add(className(u2(pos)));
      }
      Map<String, String> fields = new HashMap<>();
      int fieldCount = u2(pos);
      pos += 2;
      for (int i = 0; i < fieldCount; i++) {
        fields.put(utf8(u2(pos + 2)), utf8(u2(pos + 4)));
        skipMember();
      }
      int methodCount = u2(pos);
      pos += 2;
      List<Method> methods = new ArrayList<>(methodCount);
      for (int i = 0; i < methodCount; i++) {
        methods.add(new Method(u2(pos), utf8(u2(pos + 2)), utf8(u2(pos + 4))));
        skipMember();
      }
      return new ClassShape(name, superName, List.copyOf(interfaces), fields, methods);
    }

    /** Past a field_info or method_info: its header and its attributes. */
    private void skipMember() {
      int attributes = u2(pos + 6);
      pos += 8;
      for (int a = 0; a < attributes; a++) {
        pos += 6 + u4(pos + 2);
      }
    }

    private String className(int index) {
      return utf8(u2(offsets[index]));
    }

    /** A CONSTANT_Utf8 entry, in the JVM's modified UTF-8. */
    private String utf8(int index) {
      int at = offsets[index];
      int length = u2(at);
      char[] chars = new char[length];
      int n = 0;
      for (int i = at + 2, end = at + 2 + length; i < end; ) {
        int c = b[i++] & 0xFF;
        if (c < 0x80) {
          chars[n++] = (char) c;
        } else if ((c & 0xE0) == 0xC0) {
          chars[n++] = (char) (((c & 0x1F) << 6) | (b[i++] & 0x3F));
        } else {
          chars[n++] = (char) (((c & 0x0F) << 12) | ((b[i++] & 0x3F) << 6) | (b[i++] & 0x3F));
        }
      }
      return new String(chars, 0, n);
    }

    private int u2(int at) {
      return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private int u4(int at) {
      return (u2(at) << 16) | u2(at + 2);
    }
  }
}
