package io.github.mcpkeepalive.instrumentation.weave;

import java.util.List;

/** The hooks woven into every method of a class that {@code methods} selects, in this order. */
public record On(MethodMatcher methods, List<Hook> hooks) {

  public On {
    hooks = List.copyOf(hooks);
  }

  /** {@code hooks} on the methods {@code methods} selects. */
  public static On on(MethodMatcher methods, Hook... hooks) {
    return new On(methods, List.of(hooks));
  }
}
