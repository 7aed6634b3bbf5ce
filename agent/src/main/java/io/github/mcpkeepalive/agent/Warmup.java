package io.github.mcpkeepalive.agent;

import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.instrumentation.refs.ClassFiles;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;
import io.github.mcpkeepalive.instrumentation.weave.ClassWeaver;
import io.github.mcpkeepalive.instrumentation.weave.Hook;
import io.github.mcpkeepalive.instrumentation.weave.On;
import java.util.List;

/**
 * Prepares the weaving on the agent's set-up thread, beside the application's start, so that the
 * first MCP classes the application loads do not pay for it on the application's thread. A library
 * on the class path has its references checked against the system class loader now (the decision
 * {@link io.github.mcpkeepalive.instrumentation.LibraryInstrumentation#moduleFor} would take at its
 * first class, taken early; an absent library costs one resource lookup) and its classes are woven
 * ahead unless the build wove them for these very class files ({@link Weaver#prepare}); otherwise
 * (the library comes with a class loader of its own, as in a Spring Boot jar) the weaver runs once
 * on a class of the agent's own, so that its code is loaded and has run once. A failure here only
 * costs that head start.
 */
final class Warmup {

  private Warmup() {}

  /** The class woven. */
  static final class Target {
    void run() {}
  }

  /** Its hook. */
  public static final class Hooks {
    private Hooks() {}

    public static void ran(Object target) {
      // nothing: the weave is what counts
    }
  }

  static void run(Weaver weaver) {
    long start = System.nanoTime();
    try {
      Weaver.Readiness r = weaver.prepare(ClassLoader.getSystemClassLoader());
      if (r.any()) {
        Log.INSTRUMENTATION.debug(
            "class path prepared in "
                + (System.nanoTime() - start) / 1_000_000
                + " ms: "
                + r.wovenByBuild()
                + " classes woven by the build for its very class files, "
                + r.wovenAhead()
                + " woven ahead");
        return;
      }
    } catch (Throwable t) {
      Log.INSTRUMENTATION.debug("class path not prepared: " + Redact.error(t));
    }
    try {
      ClassLoader loader = Warmup.class.getClassLoader();
      References refs = new References();
      String target = Target.class.getName();
      MethodRef run = refs.method(target, "run");
      References.Result checked = refs.check(loader);
      ClassWeaver.weave(
          ClassFiles.read(loader, target),
          List.of(On.on(run.matcher(), Hook.onEnter(Hooks.class, "ran", Hook.THIS))),
          loader);
      Log.INSTRUMENTATION.debug(
          "weaving path prepared in "
              + (System.nanoTime() - start) / 1_000_000
              + " ms ("
              + (checked.matches() ? "check and weave" : checked.mismatch())
              + ")");
    } catch (Throwable t) {
      Log.INSTRUMENTATION.debug("weaving path not prepared: " + Redact.error(t));
    }
  }
}
