package io.github.mcpkeepalive.instrumentation;

import io.github.mcpkeepalive.instrumentation.refs.References;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The support for one version range of a library: the classes it weaves, the advice for each, and
 * every reference into the library that its advice and hooks rely on. It is applied to a class
 * loader only when all of its references match that loader's classes, and then to all of its
 * classes.
 */
public abstract class InstrumentationModule {

  /** Advice classes (enter and exit may be the same class) for the methods a matcher selects. */
  public record On(
      ElementMatcher<? super MethodDescription> methods, Class<?> enter, Class<?> exit) {}

  private final String name;
  private final References references;
  private final List<String> typeNames;

  /**
   * @param name for log lines: library and the versions this module was written for
   *     ("mcp-java-sdk-2.1")
   * @param references everything the module relies on, the common references of its library
   *     included
   * @param typeNames the fully qualified names of the classes it weaves
   */
  protected InstrumentationModule(String name, References references, List<String> typeNames) {
    this.name = name;
    this.references = references;
    this.typeNames = List.copyOf(typeNames);
  }

  public final String name() {
    return name;
  }

  public final References references() {
    return references;
  }

  public final List<String> typeNames() {
    return typeNames;
  }

  /** The advice for one of {@link #typeNames()}. */
  public abstract List<On> adviceFor(String typeName);

  /** One advice class on the methods {@code methods} selects. */
  public static On advice(Class<?> adviceClass, ElementMatcher<? super MethodDescription> methods) {
    return new On(methods, adviceClass, adviceClass);
  }

  /**
   * An enter advice and an exit advice from two classes, on the methods {@code methods} selects.
   */
  public static On advice(
      Class<?> enter, Class<?> exit, ElementMatcher<? super MethodDescription> methods) {
    return new On(methods, enter, exit);
  }
}
