package io.github.mcpkeepalive.agent;

import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;

/**
 * Prepares the weaving on the agent's set-up thread, beside the application's start, so that the
 * first MCP classes the application loads do not pay for it on the application's thread. A library
 * on the class path has its references checked against the system class loader now (the decision
 * {@link io.github.mcpkeepalive.instrumentation.LibraryInstrumentation#moduleFor} would take at its
 * first class, taken early; an absent library costs one resource lookup) and its classes are woven
 * ahead unless the build wove them for these very class files ({@link Weaver#prepare}). A library
 * that comes with a class loader of its own (a Spring Boot jar) is not prepared: of a tested
 * version, the build wove its classes and no weaver's code runs; running the weaver once ahead on a
 * class of the agent's own, as before 2026-12-02, loaded ASM and cost the set-up thread about 100
 * ms of the Spring AI app's start, for an untested version only. A failure here only costs that
 * head start.
 */
final class Warmup {

  private Warmup() {}

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
      }
    } catch (Throwable t) {
      Log.INSTRUMENTATION.debug("class path not prepared: " + Redact.error(t));
    }
  }
}
