package io.github.mcpkeepalive.instrumentation.weave;

/**
 * Selects the methods of a class that a {@link Hook} is woven into, by what a class file declares
 * of each: access flags, name and JVM descriptor.
 */
@FunctionalInterface
public interface MethodMatcher {

  boolean matches(int access, String name, String descriptor);

  /** This matcher or {@code other}. */
  default MethodMatcher or(MethodMatcher other) {
    return (access, name, descriptor) ->
        matches(access, name, descriptor) || other.matches(access, name, descriptor);
  }
}
