package io.github.mcpkeepalive.instrumentation;

import io.github.mcpkeepalive.core.LibraryVersion;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The support for one client library and version range: the exact names of the classes it
 * instruments, and the advice for each. The names are all the agent looks at when a class loads;
 * the advice (and Byte Buddy's matchers) is built the first time one of those classes loads.
 */
public abstract class LibraryInstrumentation {

  /** Advice classes (enter and exit may be the same class) for the methods a matcher selects. */
  public record On(ElementMatcher<? super MethodDescription> methods, Class<?> enter, Class<?> exit) {}

  private final LibraryVersion version;
  private final String description;
  private final List<String> typeNames;

  /**
   * @param version the library versions supported; classes of any other version are left alone
   * @param description for the start line: library, versions, transports
   * @param typeNames the fully qualified names of the classes instrumented
   */
  protected LibraryInstrumentation(LibraryVersion version, String description, List<String> typeNames) {
    this.version = version;
    this.description = description;
    this.typeNames = List.copyOf(typeNames);
  }

  public final LibraryVersion version() {
    return version;
  }

  public final String description() {
    return description;
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

  /** An enter advice and an exit advice from two classes, on the methods {@code methods} selects. */
  public static On advice(Class<?> enter, Class<?> exit, ElementMatcher<? super MethodDescription> methods) {
    return new On(methods, enter, exit);
  }
}
