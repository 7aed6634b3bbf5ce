package io.github.mcpkeepalive.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.instrumentation.refs.ClassFiles;
import io.github.mcpkeepalive.instrumentation.weave.ClassWeaver;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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

  @Test
  void theCheckTakenAheadAnswersTheDecisionWithoutReadingAgain() throws IOException {
    PrebuiltGenerator.Version v =
        PrebuiltGenerator.VERSIONS.get(PrebuiltGenerator.VERSIONS.size() - 1);
    CountingLoader loader = new CountingLoader(PrebuiltGenerator.loader(JARS, v.folders()));
    String key = v.library().key();
    assertFalse(Prebuilt.get().checkedAhead(key, loader));

    Prebuilt.get().checkAhead(v.library().key(), loader);
    int reads = loader.reads.size();
    assertTrue(reads > 0, "the class files were read ahead");
    assertTrue(Prebuilt.get().checkedAhead(key, loader));
    String expected = fullCheck(v.library(), PrebuiltGenerator.loader(JARS, v.folders()));
    assertNotNull(expected);
    assertEquals(expected, Prebuilt.get().checked(v.library().key(), loader));
    assertEquals(reads, loader.reads.size(), "nothing read again");
    assertEquals(
        new HashSet<>(loader.reads).size(), loader.reads.size(), "each class file read once");
    assertFalse(Prebuilt.get().checkedAhead(key, PrebuiltGenerator.loader(JARS, v.folders())));
    assertFalse(Prebuilt.get().checkedAhead("NoSuchLibrary", loader));
  }

  @Test
  void aDecisionWantedWhileTheCheckRunsAheadWaitsForItsAnswer() throws Exception {
    PrebuiltGenerator.Version v =
        PrebuiltGenerator.VERSIONS.get(PrebuiltGenerator.VERSIONS.size() - 1);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountingLoader loader =
        new CountingLoader(PrebuiltGenerator.loader(JARS, v.folders())) {
          @Override
          void reading(String path) {
            inside.countDown();
            try {
              release.await(); // held here until the decision is seen waiting
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<?> ahead = threads.submit(() -> Prebuilt.get().checkAhead(v.library().key(), loader));
      assertTrue(inside.await(30, TimeUnit.SECONDS), "the check ahead reads");
      AtomicReference<Thread> decider = new AtomicReference<>();
      Future<String> decision =
          threads.submit(
              () -> {
                decider.set(Thread.currentThread());
                return Prebuilt.get().checked(v.library().key(), loader);
              });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (decider.get() == null || decider.get().getState() != Thread.State.BLOCKED) {
        assertFalse(decision.isDone(), "the decision did not wait for the check ahead");
        assertTrue(System.nanoTime() < deadline, "the decision never waited");
        Thread.onSpinWait();
      }
      release.countDown();
      ahead.get(30, TimeUnit.SECONDS);
      String expected = fullCheck(v.library(), PrebuiltGenerator.loader(JARS, v.folders()));
      assertNotNull(expected);
      assertEquals(expected, decision.get(30, TimeUnit.SECONDS));
      assertEquals(
          new HashSet<>(loader.reads).size(), loader.reads.size(), "each class file read once");
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  /** A loader that serves another's resources and notes every class file read. */
  private static class CountingLoader extends ClassLoader {
    final List<String> reads = new CopyOnWriteArrayList<>();
    private final ClassLoader jars;

    CountingLoader(ClassLoader jars) {
      super(null);
      this.jars = jars;
    }

    /** Called before each read. */
    void reading(String path) {}

    @Override
    public InputStream getResourceAsStream(String path) {
      if (path.endsWith(".class")) {
        reading(path);
        reads.add(path);
      }
      return jars.getResourceAsStream(path);
    }

    @Override
    public URL getResource(String path) {
      return jars.getResource(path);
    }
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
