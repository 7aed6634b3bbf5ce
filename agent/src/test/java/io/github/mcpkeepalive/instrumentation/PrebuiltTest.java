package io.github.mcpkeepalive.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.instrumentation.refs.ClassFiles;
import io.github.mcpkeepalive.instrumentation.weave.ClassWeaver;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The classes the build wove ({@link PrebuiltGenerator}, run before these tests) are exactly what
 * the weaver makes of the same bytes at run time, for every tested library version; bytes that
 * differ by one byte, or hooks the class's loader cannot see, take the run-time path.
 */
class PrebuiltTest {

  private static final Path JARS = Path.of("target", "library-jars");
  private final ClassLoader sees = PrebuiltTest.class.getClassLoader(); // the hooks are visible

  @Test
  void everyClassWovenByTheBuildIsWhatTheWeaverMakesOfItAtRunTime() throws IOException {
    int compared = 0;
    for (PrebuiltGenerator.Version v : PrebuiltGenerator.VERSIONS) {
      ClassLoader loader = PrebuiltGenerator.loader(JARS, v.folders());
      InstrumentationModule range = v.library().moduleFor(loader);
      assertNotNull(range, v.folders()[0]);
      for (String name : range.typeNames()) {
        byte[] original = ClassFiles.read(loader, name);
        if (original == null) {
          continue;
        }
        byte[] pre =
            Prebuilt.get()
                .woven(range.name(), name.replace('.', '/'), original, range.hooksFor(name), sees);
        assertNotNull(pre, () -> v.folders()[0] + ": " + name + " woven by the build");
        assertArrayEquals(
            ClassWeaver.weave(original, range.hooksFor(name), sees),
            pre,
            () -> v.folders()[0] + ": " + name);
        assertArrayEquals(pre, LibraryInstrumentation.weave(range, name, original, sees));
        compared++;
      }
    }
    assertTrue(compared >= 60, "classes compared: " + compared);
  }

  @Test
  void otherBytesOrHooksTheLoaderCannotSeeTakeTheRunTimePath() throws IOException {
    PrebuiltGenerator.Version v = PrebuiltGenerator.VERSIONS.get(0);
    ClassLoader loader = PrebuiltGenerator.loader(JARS, v.folders());
    InstrumentationModule range = v.library().moduleFor(loader);
    String name = range.typeNames().get(0);
    byte[] original = ClassFiles.read(loader, name);
    String internal = name.replace('.', '/');
    assertNotNull(
        Prebuilt.get().woven(range.name(), internal, original, range.hooksFor(name), sees));

    byte[] patched = original.clone();
    patched[patched.length - 1] ^= 1;
    assertNull(Prebuilt.get().woven(range.name(), internal, patched, range.hooksFor(name), sees));
    assertNull(
        Prebuilt.get().woven("another-range", internal, original, range.hooksFor(name), sees));
    // the library's own loader (no parent) cannot see the agent's hooks
    assertNull(
        Prebuilt.get().woven(range.name(), internal, original, range.hooksFor(name), loader));
    assertEquals(false, Prebuilt.hooksVisible(range.hooksFor(name), loader));
  }

  @Test
  void theCheckTheBuildRecordedChoosesWhatTheFullCheckChooses() throws IOException {
    int compared = 0;
    for (PrebuiltGenerator.Version v : PrebuiltGenerator.VERSIONS) {
      for (String reactor : PrebuiltGenerator.REACTORS) {
        ClassLoader loader =
            PrebuiltGenerator.loader(JARS, PrebuiltGenerator.withReactor(v, reactor));
        String known = Prebuilt.get().checked(v.library().key(), loader);
        assertNotNull(known, v.folders()[0] + " on " + reactor + ": recorded by the build");
        assertEquals(fullCheck(v.library(), loader), known, v.folders()[0] + " on " + reactor);
        compared++;
      }
    }
    assertEquals(PrebuiltGenerator.VERSIONS.size() * PrebuiltGenerator.REACTORS.size(), compared);
  }

  @Test
  void oneClassFileThatDiffersFromTheBuildsTakesTheFullCheck() throws IOException {
    PrebuiltGenerator.Version v =
        PrebuiltGenerator.VERSIONS.get(PrebuiltGenerator.VERSIONS.size() - 1);
    ClassLoader jars = PrebuiltGenerator.loader(JARS, v.folders());
    String name = v.library().modules().get(0).typeNames().get(0);
    String resource = name.replace('.', '/') + ".class";
    byte[] patched = ClassFiles.read(jars, name);
    patched[patched.length - 1] ^= 1;
    ClassLoader changed =
        new ClassLoader(null) {
          @Override
          public java.io.InputStream getResourceAsStream(String path) {
            return path.equals(resource)
                ? new java.io.ByteArrayInputStream(patched)
                : jars.getResourceAsStream(path);
          }

          @Override
          public java.net.URL getResource(String path) {
            return jars.getResource(path);
          }
        };
    assertNotNull(Prebuilt.get().checked(v.library().key(), jars));
    assertNull(Prebuilt.get().checked(v.library().key(), changed), "not the build's class files");
    assertNull(Prebuilt.get().checked("NoSuchLibrary", jars));
  }

  /** The range the reference check chooses by reading and matching every class file. */
  private static String fullCheck(LibraryInstrumentation library, ClassLoader loader) {
    io.github.mcpkeepalive.instrumentation.refs.Shapes shapes =
        new io.github.mcpkeepalive.instrumentation.refs.Shapes(loader);
    for (InstrumentationModule m : library.modules()) {
      if (m.references().check(shapes).matches()) {
        return m.name();
      }
    }
    return null;
  }
}
