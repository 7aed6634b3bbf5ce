package io.github.mcpkeepalive.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.core.LibraryVersion;
import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.instrumentation.InstrumentationModule;
import io.github.mcpkeepalive.instrumentation.LibraryInstrumentation;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;
import io.github.mcpkeepalive.instrumentation.weave.Hook;
import io.github.mcpkeepalive.instrumentation.weave.On;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// public: the hook woven into a class defined by another loader is called there
public class WeaverTest {

  /** Counts calls seen by the hook woven into {@link Greeter}. */
  static final AtomicInteger GREETED = new AtomicInteger();

  /** The hooks class. */
  public static final class Hooks {
    public static void greeted(Object name) {
      GREETED.incrementAndGet();
    }
  }

  static final Hook GREET = Hook.onEnter(Hooks.class, "greeted", Hook.argument(0));

  static final Hook BROKEN = Hook.onEnter(Hooks.class, "greeted", Hook.field("noSuchField"));

  /** Stands in for a library class. */
  public static final class Greeter {
    public String greet(String name) {
      return "hello " + name;
    }
  }

  /** Stands in for a class of the library the agent does not instrument. */
  public static final class Other {}

  /**
   * The library support under test: Greeter.greet gets {@code hook} when Greeter has a method
   * {@code method(String)} (the reference the support declares).
   */
  static LibraryInstrumentation library(String method, Hook hook) {
    // the version comes from META-INF/maven/…/weaver-target/pom.properties in the test resources:
    // 1.4.2
    LibraryVersion version =
        new LibraryVersion(
            "weaver target",
            "io.github.mcpkeepalive.test",
            List.of("weaver-target"),
            Greeter.class.getName(),
            Pattern.compile("1\\.4\\..*"),
            "1.4.x");
    References refs = new References();
    MethodRef greet = refs.method(Greeter.class.getName(), method, String.class.getName());
    InstrumentationModule module =
        new InstrumentationModule("weaver-target-1.4", refs, List.of(Greeter.class.getName())) {
          @Override
          public List<On> hooksFor(String typeName) {
            return List.of(On.on(greet.matcher(), hook));
          }
        };
    return new LibraryInstrumentation(version, "weaver target", List.of(module)) {};
  }

  static byte[] bytesOf(Class<?> type) throws Exception {
    try (InputStream in =
        type.getResourceAsStream(
            type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class")) {
      return in.readAllBytes();
    }
  }

  /** What {@code weaver} makes of {@link Greeter} defined by this test's loader. */
  static byte[] greeter(Weaver weaver) throws Exception {
    return weaver.transform(
        null,
        WeaverTest.class.getClassLoader(),
        internalName(Greeter.class),
        null,
        null,
        bytesOf(Greeter.class));
  }

  static String internalName(Class<?> type) {
    return type.getName().replace('.', '/');
  }

  /** A weaver for this test's classes, set up with {@code library}. */
  static Weaver weaver(LibraryInstrumentation library) {
    Weaver weaver = new Weaver(name -> name.startsWith("io/github/mcpkeepalive/agent/WeaverTest$"));
    weaver.ready(List.of(library));
    return weaver;
  }

  @BeforeEach
  void reset() {
    GREETED.set(0);
    Log.setSink(l -> {}); // the WARN lines these cases provoke are expected
  }

  @AfterEach
  void restore() {
    Log.setSink(null);
  }

  @Test
  void weavesOnlyTheNamedClassesOfASupportedVersion() throws Exception {
    Weaver weaver = weaver(library("greet", GREET));
    ClassLoader loader = WeaverTest.class.getClassLoader();
    assertNull(
        weaver.transform(null, loader, internalName(Other.class), null, null, bytesOf(Other.class)),
        "not named: untouched");
    byte[] woven =
        weaver.transform(
            null, loader, internalName(Greeter.class), null, null, bytesOf(Greeter.class));
    assertNotNull(woven);
    assertEquals(2, weaver.classesSeen());
    assertEquals(1, weaver.classesExamined(), "only the named class is looked at beyond its name");
    assertTrue(weaver.sawLoad(loader, Greeter.class.getName()), "seen as it loaded");
    assertFalse(weaver.sawLoad(loader, Other.class.getName()), "only what it examined");
    assertFalse(
        weaver.sawLoad(new ClassLoader(null) {}, Greeter.class.getName()), "in that loader only");
    List<ClassLoader> told = new ArrayList<>();
    Weaver telling = weaver(library("greet", GREET));
    telling.whenFirstWoven(told::add);
    telling.transform(null, loader, internalName(Other.class), null, null, bytesOf(Other.class));
    assertEquals(List.of(), told, "a class left untouched tells nothing");
    telling.transform(
        null, loader, internalName(Greeter.class), null, null, bytesOf(Greeter.class));
    telling.transform(
        null, loader, internalName(Greeter.class), null, null, bytesOf(Greeter.class));
    assertEquals(List.of(loader), told, "the first class woven tells its loader, once");
    Weaver retransforming = weaver(library("greet", GREET));
    assertNotNull(
        retransforming.transform(
            null,
            loader,
            internalName(Greeter.class),
            Greeter.class,
            null,
            bytesOf(Greeter.class)));
    assertFalse(
        retransforming.sawLoad(loader, Greeter.class.getName()), "a retransformation is no load");

    Object greeter =
        new Isolated(loader, Greeter.class.getName(), woven).load().getConstructor().newInstance();
    assertEquals(
        "hello ada",
        greeter.getClass().getMethod("greet", String.class).invoke(greeter, "ada"),
        "the method still does its work");
    assertEquals(1, GREETED.get(), "and the hook ran once");
  }

  @Test
  void eachLoaderThatDefinesAClassIsToldOnce() throws Exception {
    Weaver weaver = weaver(library("greet", GREET));
    ClassLoader before = new ClassLoader(null) {};
    ClassLoader after = new ClassLoader(null) {};
    byte[] other = bytesOf(Other.class);
    weaver.transform(null, before, internalName(Other.class), null, null, other);
    weaver.transform(null, null, "java/lang/Thing", null, null, other);
    weaver.transform(
        null, ClassLoader.getPlatformClassLoader(), "java/sql/Thing", null, null, other);
    List<ClassLoader> told = new ArrayList<>();
    weaver.whenLoaderDefines(told::add);
    assertEquals(List.of(before), told, "those that defined a class already, at once");
    weaver.transform(null, after, internalName(Other.class), null, null, other);
    weaver.transform(null, before, internalName(Other.class), null, null, other);
    weaver.transform(null, after, internalName(Other.class), null, null, other);
    weaver.transform(null, after, internalName(Other.class), Other.class, null, other);
    assertEquals(List.of(before, after), told, "then each new one as it defines its first class");
    weaver.whenLoaderDefines(null);
    weaver.transform(null, new ClassLoader(null) {}, internalName(Other.class), null, null, other);
    assertEquals(List.of(before, after), told, "no one is told any more");
  }

  @Test
  void aLibraryWhoseReferencesDoNotMatchIsLeftAlone() throws Exception {
    Weaver weaver = weaver(library("wave", GREET));
    assertNull(greeter(weaver));
    assertEquals(1, weaver.classesExamined());
  }

  @Test
  void aHookThatCannotBeWovenLeavesTheWholeLibraryAloneWithoutThrowing() throws Exception {
    LibraryInstrumentation library = library("greet", BROKEN);
    Weaver weaver = weaver(library);
    ClassLoader loader = WeaverTest.class.getClassLoader();
    assertNull(
        weaver.transform(
            null, loader, internalName(Greeter.class), null, null, bytesOf(Greeter.class)));
    assertFalse(library.active(loader), "its hooks register no client in that loader");
    assertNull(library.moduleFor(loader), "and no other class of it is woven there");
  }

  @Test
  void aClassToWeaveThatComesBeforeTheSetUpWaitsForIt() throws Exception {
    Weaver weaver = new Weaver(name -> name.equals(internalName(Greeter.class)));
    ClassLoader loader = WeaverTest.class.getClassLoader();
    java.util.concurrent.CompletableFuture<byte[]> early =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return weaver.transform(
                    null, loader, internalName(Greeter.class), null, null, bytesOf(Greeter.class));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertNull(
        weaver.transform(null, loader, internalName(Other.class), null, null, bytesOf(Other.class)),
        "a class outside the woven packages does not wait");
    assertFalse(early.isDone(), "the class to weave waits for the set-up");
    weaver.ready(List.of(library("greet", GREET)));
    assertNotNull(early.get(10, java.util.concurrent.TimeUnit.SECONDS), "and is woven after it");
  }

  @Test
  void theAgentsWeaverLetsEveryClassButTheWovenOnesPassBeforeTheSetUp() throws Exception {
    Weaver weaver = new Weaver(); // as the agent registers it, before its set-up
    ClassLoader loader = WeaverTest.class.getClassLoader();
    String woven = "io/modelcontextprotocol/client/McpSyncClient";
    java.util.concurrent.CompletableFuture<byte[]> early =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> weaver.transform(null, loader, woven, null, null, new byte[0]));
    // the SDK's other classes load first (McpTransport about 50 ms after the application's
    // main): they do not wait for the set-up (30 s at most)
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(5),
        () -> {
          for (String other :
              List.of(
                  "io/modelcontextprotocol/spec/McpTransport",
                  "io/modelcontextprotocol/client/McpClient",
                  "dev/langchain4j/mcp/client/McpClient")) {
            assertNull(weaver.transform(null, loader, other, null, null, new byte[0]), other);
          }
        });
    assertFalse(early.isDone(), "a class the agent weaves waits for the set-up");
    weaver.disable();
    assertNull(early.get(10, java.util.concurrent.TimeUnit.SECONDS), "until it is over");
    assertEquals(4, weaver.classesSeen());
    assertEquals(0, weaver.classesExamined(), "none was looked at beyond its name");
  }

  @Test
  void aClassToWeaveIsLeftAloneWhenTheAgentWillNotRun() throws Exception {
    Weaver weaver = new Weaver(name -> name.startsWith("io/github/mcpkeepalive/agent/WeaverTest$"));
    weaver.disable();
    assertNull(greeter(weaver));
  }

  /** A loader that defines one class from the given bytes and delegates everything else. */
  static final class Isolated extends ClassLoader {
    private final String name;
    private final byte[] bytes;

    Isolated(ClassLoader parent, String name, byte[] bytes) {
      super(parent);
      this.name = name;
      this.bytes = bytes;
    }

    Class<?> load() {
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
