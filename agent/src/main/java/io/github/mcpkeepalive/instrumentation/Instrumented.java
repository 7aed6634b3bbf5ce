package io.github.mcpkeepalive.instrumentation;

import java.util.List;

/**
 * A library as the weaver knows it: the classes it weaves, and its support, which may be built only
 * when first asked for ({@link Library}).
 */
public interface Instrumented {

  /** The fully qualified names of the classes the support weaves. */
  List<String> typeNames();

  /** The support, built the first time it is asked for. */
  LibraryInstrumentation support();

  /**
   * False when {@code loader} surely lacks the library, told without building the support; true
   * when the support must decide.
   */
  default boolean mayBeIn(ClassLoader loader) {
    return true;
  }

  /**
   * As {@link #mayBeIn}, but looked for afresh: a class loader may have been given the library's
   * jar since it was last asked.
   */
  default boolean lookIn(ClassLoader loader) {
    return mayBeIn(loader);
  }
}
