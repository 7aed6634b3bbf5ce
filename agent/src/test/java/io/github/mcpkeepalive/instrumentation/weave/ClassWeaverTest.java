package io.github.mcpkeepalive.instrumentation.weave;

import static io.github.mcpkeepalive.instrumentation.weave.Hook.LAST_ARGUMENT;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.NULL;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.RETURN;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.THIS;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.argument;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.field;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.onEnter;
import static io.github.mcpkeepalive.instrumentation.weave.Hook.onExit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kind of hook woven into a real class, which the JVM then verifies and runs: the woven
 * method still does its work, the hook sees the right values, and what it answers takes effect.
 */
class ClassWeaverTest {

  private static final ClassLoader LOADER = ClassWeaverTest.class.getClassLoader();

  @BeforeEach
  void reset() {
    TargetHooks.CALLS.clear();
    TargetHooks.skip = false;
    TargetHooks.answer = null;
  }

  static MethodMatcher named(String name) {
    return (access, n, descriptor) -> n.equals(name);
  }

  /** A fresh instance of {@link WeaveTarget} woven with {@code on}, in a loader of its own. */
  static Object woven(On... on) throws Exception {
    return wovenClass(on).getConstructor().newInstance();
  }

  static Class<?> wovenClass(On... on) throws Exception {
    byte[] bytes = ClassWeaver.weave(targetBytes(), List.of(on), LOADER);
    return new Isolated(LOADER).define(WeaveTarget.class.getName(), bytes);
  }

  static byte[] targetBytes() throws Exception {
    try (InputStream in = WeaveTarget.class.getResourceAsStream("WeaveTarget.class")) {
      return in.readAllBytes();
    }
  }

  static Object call(Object target, String name, Object... args) throws Exception {
    Class<?> type = target instanceof Class<?> c ? c : target.getClass();
    for (Method m : type.getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == args.length) {
        return m.invoke(target instanceof Class<?> ? null : target, args);
      }
    }
    throw new NoSuchMethodException(name);
  }

  @Test
  void anEnterHookSeesThisArgumentsOfEveryTypeAndFields() throws Exception {
    Object t =
        woven(
            On.on(
                named("greet"),
                onEnter(
                    TargetHooks.class,
                    "seen",
                    THIS,
                    argument(0),
                    argument(1),
                    argument(2),
                    argument(3),
                    field("count"),
                    field("label"),
                    LAST_ARGUMENT,
                    NULL)));
    assertEquals("ada270.5", call(t, "greet", "ada", 2, 7L, 0.5), "the method does its work");
    assertEquals(List.of("seen WeaveTarget ada 2 7 0.5 3 label 0.5 null"), TargetHooks.CALLS);
  }

  @Test
  void anExitHookSeesTheReturnedValueAtEachReturnWhereverItIsAmongItsValues() throws Exception {
    Object t =
        woven(
            On.on(named("pick"), onExit(TargetHooks.class, "picked", argument(1), RETURN, THIS)),
            On.on(
                named("sum"),
                onExit(TargetHooks.class, "summed", argument(0), RETURN, argument(1))));
    assertEquals("a", call(t, "pick", true, "a", "b"));
    assertEquals("b", call(t, "pick", false, "a", "b"));
    assertEquals(12L, call(t, "sum", 5L, 7), "a long kept under the hook's values");
    assertEquals(
        List.of(
            "picked a -> a on WeaveTarget", "picked a -> b on WeaveTarget", "summed 5 + 7 = 12"),
        TargetHooks.CALLS);
  }

  @Test
  void aHookReplacesTheReturnedValueOrAnArgument() throws Exception {
    Object t =
        woven(
            On.on(named("text"), onExit(TargetHooks.class, "replaced", RETURN).settingReturn()),
            On.on(
                named("run"),
                onEnter(TargetHooks.class, "wrapped", argument(0)).settingArgument(0)));
    assertEquals("[x]", call(t, "text", "x"));
    call(t, "run", (Runnable) () -> TargetHooks.CALLS.add("ran"));
    assertEquals(List.of("before", "ran"), TargetHooks.CALLS);
  }

  @Test
  void aHookEndsTheMethodEarlyOrLetsItRun() throws Exception {
    Object t =
        woven(
            On.on(
                named("countDown").or(named("run")),
                onEnter(TargetHooks.class, "skipping", THIS).skippingWhenTrue()),
            On.on(
                named("text"),
                onEnter(TargetHooks.class, "instead", THIS, argument(0)).returningWhenNotNull()));
    assertEquals(3, call(t, "countDown", 3), "a method whose first instruction is a loop's");
    assertEquals("x", call(t, "text", "x"));
    TargetHooks.skip = true;
    TargetHooks.answer = "instead";
    assertEquals(0, call(t, "countDown", 3), "skipped: zero");
    call(t, "run", (Runnable) () -> TargetHooks.CALLS.add("ran"));
    assertEquals("instead", call(t, "text", "x"));
    assertEquals(List.of("skipping? false", "skipping? true", "skipping? true"), TargetHooks.CALLS);
  }

  @Test
  void constructorsAndStaticMethods() throws Exception {
    MethodMatcher named =
        (access, name, descriptor) ->
            name.equals("<init>") && descriptor.equals("(Ljava/lang/String;)V");
    Class<?> type =
        wovenClass(
            On.on(
                named,
                onEnter(TargetHooks.class, "creating", argument(0)),
                onExit(TargetHooks.class, "created", THIS)),
            On.on(named("shout"), onEnter(TargetHooks.class, "shouted", argument(0))));
    type.getConstructor(String.class).newInstance("ada");
    assertEquals("HI", call(type, "shout", "hi"));
    assertEquals(List.of("creating ada", "created ada", "shouted hi"), TargetHooks.CALLS);
  }

  @Test
  void whatCannotBeWovenIsRefusedWithWhy() {
    MethodMatcher constructor = (access, name, descriptor) -> name.equals("<init>");
    List<On> refused =
        List.of(
            On.on(named("greet"), onEnter(TargetHooks.class, "noSuchHook", THIS)),
            On.on(
                named("greet"), onEnter(TargetHooks.class, "wrongAnswer", THIS).skippingWhenTrue()),
            On.on(named("nothing"), onEnter(TargetHooks.class, "shouted", THIS)),
            On.on(constructor, onEnter(TargetHooks.class, "created", THIS)),
            On.on(constructor, onEnter(TargetHooks.class, "shouted", NULL).skippingWhenTrue()),
            On.on(named("sum"), onExit(TargetHooks.class, "replaced", RETURN).settingReturn()),
            On.on(named("run"), onExit(TargetHooks.class, "shouted", RETURN)),
            On.on(named("shout"), onEnter(TargetHooks.class, "shouted", THIS)),
            On.on(named("greet"), onEnter(TargetHooks.class, "shouted", field("missing"))),
            On.on(named("greet"), onEnter(TargetHooks.class, "shouted", argument(4))));
    for (On on : refused) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> ClassWeaver.weave(targetBytes(), List.of(on), LOADER),
              on::toString);
      assertTrue(e.getMessage().contains("WeaveTarget"), e::getMessage);
    }
  }

  @Test
  void aHooksClassTheLibraryCannotSeeIsRefused() throws Exception {
    try (URLClassLoader blind = new URLClassLoader(new URL[0], null)) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  ClassWeaver.weave(
                      targetBytes(),
                      List.of(On.on(named("shout"), onEnter(TargetHooks.class, "shouted", NULL))),
                      blind));
      assertTrue(e.getMessage().contains("not visible"), e::getMessage);
    }
  }

  /** Defines one class from given bytes; everything else comes from the parent. */
  static final class Isolated extends ClassLoader {
    Isolated(ClassLoader parent) {
      super(parent);
    }

    Class<?> define(String name, byte[] bytes) {
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
