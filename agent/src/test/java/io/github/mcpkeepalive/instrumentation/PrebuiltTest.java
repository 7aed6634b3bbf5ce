package io.github.mcpkeepalive.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.instrumentation.refs.ClassFiles;
import io.github.mcpkeepalive.instrumentation.weave.ClassWeaver;
import io.github.mcpkeepalive.instrumentation.weave.On;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        byte[] pre = Prebuilt.get().woven(range, name, original, sees);
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
    assertNotNull(Prebuilt.get().woven(range, name, original, sees));

    byte[] patched = original.clone();
    patched[patched.length - 1] ^= 1;
    assertNull(Prebuilt.get().woven(range, name, patched, sees));
    InstrumentationModule another =
        new InstrumentationModule("another-range", range.references(), range.typeNames()) {
          @Override
          public List<On> hooksFor(String typeName) {
            return range.hooksFor(typeName);
          }
        };
    assertNull(Prebuilt.get().woven(another, name, original, sees));
    // the library's own loader (no parent) cannot see the agent's hooks
    assertNull(Prebuilt.get().woven(range, name, original, loader));
    assertEquals(false, Prebuilt.hooksVisible(range, name, loader));
    // the agent's own loader sees them without their being built
    InstrumentationModule unbuilt =
        new InstrumentationModule(range.name(), range.references(), range.typeNames()) {
          @Override
          public List<On> hooksFor(String typeName) {
            throw new AssertionError("hooks built for the agent's own loader");
          }
        };
    ClassLoader agents = Prebuilt.class.getClassLoader();
    assertTrue(Prebuilt.hooksVisible(unbuilt, name, agents));
    // a loader below it resolves each hooks class to the agent's
    assertTrue(Prebuilt.hooksVisible(range, name, new URLClassLoader(new URL[0], agents)));
    assertNotNull(Prebuilt.get().woven(unbuilt, name, original, agents));
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
  void oneClassFileThatDiffersFromTheBuildsTakesTheFullCheck(@TempDir Path temp)
      throws IOException {
    PrebuiltGenerator.Version v =
        PrebuiltGenerator.VERSIONS.get(PrebuiltGenerator.VERSIONS.size() - 1);
    String key = v.library().key();
    String resource = v.library().modules().get(0).typeNames().get(0).replace('.', '/') + ".class";
    UnaryOperator<byte[]> flipLastByte =
        b -> {
          byte[] c = b.clone();
          c[c.length - 1] ^= 1;
          return c;
        };
    assertNotNull(Prebuilt.get().checked(key, PrebuiltGenerator.loader(JARS, v.folders())));

    // the same files, one of them unpacked into a folder: read in full, the same answer
    assertNotNull(
        Prebuilt.get().checked(key, copied(v, temp.resolve("unpacked"), resource, null, true)),
        "the build's class files, served from a folder");
    // one byte changed, in a jar (its directory lists another CRC) and in a folder
    assertNull(
        Prebuilt.get().checked(key, copied(v, temp.resolve("jar"), resource, flipLastByte, false)),
        "not the build's class files (jar)");
    assertNull(
        Prebuilt.get()
            .checked(key, copied(v, temp.resolve("folder"), resource, flipLastByte, true)),
        "not the build's class files (folder)");
    // a loader whose class files come from a folder: what it serves is read, through its stream
    ClassLoader folder = copied(v, temp.resolve("served"), resource, null, true);
    byte[] served = flipLastByte.apply(folder.getResourceAsStream(resource).readAllBytes());
    ClassLoader changed =
        new ClassLoader(null) {
          @Override
          public InputStream getResourceAsStream(String path) {
            return path.equals(resource)
                ? new ByteArrayInputStream(served)
                : folder.getResourceAsStream(path);
          }

          @Override
          public URL getResource(String path) {
            return folder.getResource(path);
          }
        };
    assertNotNull(Prebuilt.get().checked(key, folder), "the build's class files, from a folder");
    assertNull(Prebuilt.get().checked(key, changed), "not the bytes the loader serves");
    assertNull(
        Prebuilt.get().checked("NoSuchLibrary", PrebuiltGenerator.loader(JARS, v.folders())));
  }

  /**
   * A loader over copies of {@code v}'s jars, {@code resource} changed by {@code change} (null:
   * unchanged) and, with {@code unpack}, the jar holding it unpacked into a folder.
   */
  private static ClassLoader copied(
      PrebuiltGenerator.Version v,
      Path to,
      String resource,
      UnaryOperator<byte[]> change,
      boolean unpack)
      throws IOException {
    List<URL> urls = new ArrayList<>();
    for (String folder : v.folders()) {
      try (Stream<Path> list = Files.list(JARS.resolve(folder))) {
        for (Path jar : (Iterable<Path>) list::iterator) {
          Path copy = to.resolve(folder).resolve(jar.getFileName().toString());
          Files.createDirectories(copy.getParent());
          boolean holds;
          try (ZipFile zip = new ZipFile(jar.toFile())) {
            holds = zip.getEntry(resource) != null;
          }
          if (holds && unpack) {
            unpack(jar, copy, resource, change);
            urls.add(copy.toUri().toURL()); // a folder: its URL ends with '/'
          } else if (holds) {
            rewrite(jar, copy, resource, change);
            urls.add(copy.toUri().toURL());
          } else {
            urls.add(jar.toUri().toURL());
          }
        }
      }
    }
    return new URLClassLoader(urls.toArray(new URL[0]), null);
  }

  private static void rewrite(Path jar, Path copy, String resource, UnaryOperator<byte[]> change)
      throws IOException {
    try (ZipFile in = new ZipFile(jar.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
      for (ZipEntry e : Collections.list(in.entries())) {
        byte[] b = in.getInputStream(e).readAllBytes();
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(e.getName().equals(resource) && change != null ? change.apply(b) : b);
        out.closeEntry();
      }
    }
  }

  private static void unpack(Path jar, Path folder, String resource, UnaryOperator<byte[]> change)
      throws IOException {
    try (ZipFile in = new ZipFile(jar.toFile())) {
      for (ZipEntry e : Collections.list(in.entries())) {
        if (e.isDirectory()) {
          continue;
        }
        byte[] b = in.getInputStream(e).readAllBytes();
        Path file = folder.resolve(e.getName());
        Files.createDirectories(file.getParent());
        Files.write(file, e.getName().equals(resource) && change != null ? change.apply(b) : b);
      }
    }
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
    assertTrue(reads > 0, "the class files were looked up ahead");
    assertEquals(List.of(), loader.streams, "their jars' directories list their checksums");
    assertTrue(Prebuilt.get().checkedAhead(key, loader));
    String expected = fullCheck(v.library(), PrebuiltGenerator.loader(JARS, v.folders()));
    assertNotNull(expected);
    assertEquals(expected, Prebuilt.get().checked(v.library().key(), loader));
    assertEquals(reads, loader.reads.size(), "nothing looked up again");
    assertEquals(
        new HashSet<>(loader.reads).size(), loader.reads.size(), "each class file looked up once");
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
          new HashSet<>(loader.reads).size(),
          loader.reads.size(),
          "each class file looked up once");
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  /**
   * A loader that serves another's resources and notes every class file looked up, and every one
   * whose bytes were read.
   */
  private static class CountingLoader extends ClassLoader {
    final List<String> reads = new CopyOnWriteArrayList<>();
    final List<String> streams = new CopyOnWriteArrayList<>();
    private final ClassLoader jars;

    CountingLoader(ClassLoader jars) {
      super(null);
      this.jars = jars;
    }

    /** Called before each lookup. */
    void reading(String path) {}

    @Override
    public InputStream getResourceAsStream(String path) {
      if (path.endsWith(".class")) {
        streams.add(path);
      }
      return jars.getResourceAsStream(path);
    }

    @Override
    public URL getResource(String path) {
      if (path.endsWith(".class")) {
        reading(path);
        reads.add(path);
      }
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
