package io.github.mcpkeepalive.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.instrumentation.Instrumented;
import io.github.mcpkeepalive.instrumentation.LibraryInstrumentation;
import io.github.mcpkeepalive.instrumentation.ManualScheduler;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the transformer goes and how the looks find other class loaders' classes: against the JVM's
 * {@link Instrumentation} as a recording stand-in (a real one exists only inside an agent; the e2e
 * tests {@code LaterLoaderTest} and {@code StartPathTest} run the real one).
 */
class LoadWatchTest {

  /** Records what the watch asks of the JVM; serves the loaded classes it is given. */
  static final class Recording implements Instrumentation {
    final List<String> calls = new ArrayList<>();
    Class<?>[] loaded = new Class<?>[0];
    boolean failRetransform;

    @Override
    public void addTransformer(ClassFileTransformer transformer, boolean canRetransform) {
      calls.add("add " + canRetransform);
    }

    @Override
    public void addTransformer(ClassFileTransformer transformer) {
      calls.add("add");
    }

    @Override
    public boolean removeTransformer(ClassFileTransformer transformer) {
      calls.add("remove");
      return true;
    }

    @Override
    public void retransformClasses(Class<?>... classes) throws UnmodifiableClassException {
      for (Class<?> c : classes) {
        calls.add("retransform " + c.getSimpleName());
      }
      if (failRetransform) {
        throw new UnmodifiableClassException("refused");
      }
    }

    @Override
    public Class<?>[] getAllLoadedClasses() {
      return loaded.clone();
    }

    @Override
    public boolean isRetransformClassesSupported() {
      return true;
    }

    @Override
    public boolean isRedefineClassesSupported() {
      return false;
    }

    @Override
    public void redefineClasses(ClassDefinition... definitions) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isModifiableClass(Class<?> theClass) {
      return true;
    }

    @Override
    public Class<?>[] getInitiatedClasses(ClassLoader loader) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long getObjectSize(Object objectToSize) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void appendToBootstrapClassLoaderSearch(JarFile jarfile) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void appendToSystemClassLoaderSearch(JarFile jarfile) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isNativeMethodPrefixSupported() {
      return false;
    }

    @Override
    public void setNativeMethodPrefix(ClassFileTransformer transformer, String prefix) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void redefineModule(
        Module module,
        Set<Module> extraReads,
        Map<String, Set<Module>> extraExports,
        Map<String, Set<Module>> extraOpens,
        Set<Class<?>> extraUses,
        Map<Class<?>, List<Class<?>>> extraProvides) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isModifiableModule(Module module) {
      return false;
    }
  }

  private final ClassLoader loader = WeaverTest.class.getClassLoader();
  private final LibraryInstrumentation library =
      WeaverTest.library("greet", WeaverTest.GREET); // weaves WeaverTest.Greeter
  private final Weaver weaver = WeaverTest.weaver(library);
  private final Recording inst = new Recording();

  @BeforeEach
  void quiet() {
    Log.setSink(l -> {}); // the WARN lines some cases provoke are expected
  }

  @AfterEach
  void restore() {
    Log.setSink(null);
  }

  @Test
  void theTransformerGoesOnceALoaderWithTheLibraryIsSettled() {
    assertNotNull(LoadWatch.settle(inst, weaver, List.of(library), loader));
    assertEquals(List.of("remove"), inst.calls);
  }

  /** A library in no class loader; each loader it is asked about is added to {@code asked}. */
  private static Instrumented absent(List<ClassLoader> asked) {
    return new Instrumented() {
      @Override
      public List<String> typeNames() {
        return List.of("no.such.Client");
      }

      @Override
      public LibraryInstrumentation support() {
        throw new AssertionError("an absent library's support is never built");
      }

      @Override
      public boolean mayBeIn(ClassLoader l) {
        asked.add(l);
        return false;
      }
    };
  }

  @Test
  void itStaysWhereNoLibraryIs() {
    assertNull(LoadWatch.settle(inst, weaver, List.of(absent(new ArrayList<>())), loader));
    assertEquals(List.of(), inst.calls);
  }

  @Test
  void aLookWeavesAClassLoadedUnseenOnceAndOnlyThatOne() {
    LoadWatch watch = LoadWatch.settle(inst, weaver, List.of(library), loader);
    inst.calls.clear();
    inst.loaded = new Class<?>[] {WeaverTest.Greeter.class, WeaverTest.Other.class, String.class};
    assertEquals(1, watch.look());
    assertEquals(List.of("add true", "retransform Greeter", "remove"), inst.calls);
    inst.calls.clear();
    assertEquals(0, watch.look(), "woven already");
    assertEquals(List.of(), inst.calls, "nothing asked of the JVM");
  }

  @Test
  void aClassSeenAsItLoadedIsLeftToThatWeaving() throws Exception {
    LoadWatch watch = LoadWatch.settle(inst, weaver, List.of(library), loader);
    WeaverTest.greeter(weaver); // Greeter passes through the weaver as it loads
    inst.calls.clear();
    inst.loaded = new Class<?>[] {WeaverTest.Greeter.class};
    assertEquals(0, watch.look());
    assertEquals(List.of(), inst.calls);
  }

  @Test
  void theTransformerGoesEvenWhenTheJvmRefusesTheRetransformation() {
    LoadWatch watch = LoadWatch.settle(inst, weaver, List.of(library), loader);
    inst.calls.clear();
    inst.failRetransform = true;
    inst.loaded = new Class<?>[] {WeaverTest.Greeter.class};
    assertEquals(0, watch.look());
    assertEquals(List.of("add true", "retransform Greeter", "remove"), inst.calls);
  }

  /** A class loader of its own that finds the test's classes through the test's loader. */
  private ClassLoader child() {
    return new ClassLoader(loader) {};
  }

  /** {@code definer} defines a class the weaver leaves alone. */
  private void defines(ClassLoader definer) throws Exception {
    assertNull(
        weaver.transform(
            null,
            definer,
            WeaverTest.internalName(WeaverTest.Other.class),
            null,
            null,
            WeaverTest.bytesOf(WeaverTest.Other.class)));
  }

  @Test
  void withNoLibraryOnTheClassPathTheFirstLoaderThatHoldsOneIsSettledAsItDefinesAClass()
      throws Exception {
    ManualScheduler scheduler = new ManualScheduler();
    LoadWatch.follow(null, inst, weaver, List.of(library), scheduler);
    scheduler.runDue();
    assertEquals(List.of(), inst.calls, "no loader has defined a class yet");
    ClassLoader jar = child();
    defines(jar);
    assertEquals(List.of(), inst.calls, "handed to the scheduler's thread");
    scheduler.runDue();
    assertEquals(List.of("remove"), inst.calls, "settled: the transformer goes");
    defines(child());
    scheduler.runDue();
    assertEquals(List.of("remove"), inst.calls, "another loader is left to the looks");
  }

  @Test
  void aLoaderThatDefinedAClassBeforeTheSetUpEndedIsSettledThen() throws Exception {
    defines(child());
    ManualScheduler scheduler = new ManualScheduler();
    LoadWatch.follow(null, inst, weaver, List.of(library), scheduler);
    scheduler.runDue();
    assertEquals(List.of("remove"), inst.calls);
  }

  @Test
  void loadersWithoutALibraryLeaveEveryClassLoadWatched() throws Exception {
    List<ClassLoader> asked = new ArrayList<>();
    ManualScheduler scheduler = new ManualScheduler();
    LoadWatch.follow(null, inst, weaver, List.of(absent(asked)), scheduler);
    ClassLoader plugin = child();
    defines(plugin);
    defines(plugin);
    defines(ClassLoader.getSystemClassLoader());
    defines(ClassLoader.getPlatformClassLoader());
    scheduler.runDue();
    assertEquals(List.of(plugin), asked, "each loader asked once; the class path's was settled");
    assertEquals(List.of(), inst.calls, "the transformer stays");
  }

  @Test
  void aLoaderWithoutTheLibraryIsPassedOverForOneWithIt() throws Exception {
    ClassLoader plugin = child();
    ClassLoader jar = child();
    Instrumented onlyInJar =
        new Instrumented() {
          @Override
          public List<String> typeNames() {
            return library.typeNames();
          }

          @Override
          public LibraryInstrumentation support() {
            return library;
          }

          @Override
          public boolean mayBeIn(ClassLoader l) {
            return l == jar;
          }
        };
    ManualScheduler scheduler = new ManualScheduler();
    LoadWatch.follow(null, inst, weaver, List.of(onlyInJar), scheduler);
    defines(plugin);
    scheduler.runDue();
    assertEquals(List.of(), inst.calls);
    defines(jar);
    scheduler.runDue();
    assertEquals(List.of("remove"), inst.calls);
  }

  @Test
  void aLoaderFromWhichNoClassLoadsLeavesTheTransformer() throws Exception {
    ManualScheduler scheduler = new ManualScheduler();
    LoadWatch.follow(null, inst, weaver, List.of(library), scheduler);
    defines(
        new ClassLoader(null) {}); // shows the library (as the stand-in says) but cannot load it
    scheduler.runDue();
    assertEquals(List.of(), inst.calls, "the transformer stays");
    defines(child());
    scheduler.runDue();
    assertEquals(List.of("remove"), inst.calls, "for the next loader that holds the library");
  }

  @Test
  void theClassPathsLoaderIsLookedAtAgainWhenAClassItDefinesIsWoven() throws Exception {
    assertSame(ClassLoader.getSystemClassLoader(), loader, "the tests run in the class path's");
    ManualScheduler scheduler = new ManualScheduler();
    LoadWatch.follow(null, inst, weaver, List.of(library), scheduler);
    defines(loader);
    scheduler.runDue();
    assertEquals(List.of(), inst.calls, "settled at the set-up, it is not followed");
    assertNotNull(WeaverTest.greeter(weaver)); // as when the set-up's settling failed
    scheduler.runDue();
    assertEquals(List.of("remove"), inst.calls);
  }

  @Test
  void theWaitsDoubleUpToAMinute() {
    List<Long> seconds = new ArrayList<>();
    long wait = LoadWatch.FIRST_WAIT_NANOS;
    for (int i = 0; i < 9; i++) {
      seconds.add(TimeUnit.NANOSECONDS.toSeconds(wait));
      wait = LoadWatch.nextWait(wait);
    }
    assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L), seconds);
  }
}
