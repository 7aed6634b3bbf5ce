package io.github.mcpkeepalive.instrumentation.refs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The class-file reader of the reference check, against ASM's on every class of every library jar
 * the build copies (every tested version and its dependencies: Reactor, Spring, Reactor Netty,
 * OkHttp, Kotlin): the same name, superclass, interfaces, fields and methods.
 */
class ClassShapeTest {

  @Test
  void readsTheSameMembersAsAsmFromEveryClassOfEveryLibraryJar() throws IOException {
    int classes = 0;
    try (Stream<Path> files = Files.walk(Path.of("target", "library-jars"))) {
      for (Path jar : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".jar"))::iterator) {
        try (JarFile j = new JarFile(jar.toFile())) {
          Enumeration<JarEntry> entries = j.entries();
          while (entries.hasMoreElements()) {
            JarEntry e = entries.nextElement();
            if (!e.getName().endsWith(".class") || e.getName().endsWith("module-info.class")) {
              continue;
            }
            byte[] bytes;
            try (InputStream in = j.getInputStream(e)) {
              bytes = in.readAllBytes();
            }
            String where = jar.getFileName() + "!" + e.getName();
            ClassShape ours = ClassShape.parse(bytes);
            ClassShape asm = withAsm(bytes);
            assertEquals(asm.internalName, ours.internalName, where);
            assertEquals(asm.superName, ours.superName, where);
            assertEquals(asm.interfaces, ours.interfaces, where);
            assertEquals(asm.fields, ours.fields, where);
            assertEquals(asm.methods, ours.methods, where);
            classes++;
          }
        }
      }
    }
    assertTrue(classes > 10_000, "every class of every jar: " + classes);
  }

  @Test
  void aFileThatIsNoClassFileIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> ClassShape.parse(new byte[] {1, 2, 3, 4}));
  }

  private static ClassShape withAsm(byte[] bytes) {
    Map<String, String> fields = new HashMap<>();
    List<ClassShape.Method> methods = new ArrayList<>();
    String[] header = new String[2];
    List<String> interfaces = new ArrayList<>();
    new ClassReader(bytes)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public void visit(
                  int version, int access, String name, String sig, String sup, String[] ifs) {
                header[0] = name;
                header[1] = sup;
                interfaces.addAll(ifs == null ? List.of() : List.of(ifs));
              }

              @Override
              public FieldVisitor visitField(
                  int access, String name, String desc, String sig, Object value) {
                fields.put(name, desc);
                return null;
              }

              @Override
              public MethodVisitor visitMethod(
                  int access, String name, String desc, String sig, String[] exceptions) {
                // ASM adds pseudo-flags above 0xFFFF (ACC_DEPRECATED for a Deprecated attribute)
                methods.add(new ClassShape.Method(access & 0xFFFF, name, desc));
                return null;
              }
            },
            ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return ClassShape.forTest(header[0], header[1], interfaces, fields, methods);
  }
}
