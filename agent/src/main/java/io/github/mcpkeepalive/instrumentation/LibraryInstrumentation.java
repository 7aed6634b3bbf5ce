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
public interface LibraryInstrumentation {

  /** Advice classes (enter and exit may be the same class) for the methods a matcher selects. */
  record On(ElementMatcher<? super MethodDescription> methods, Class<?> enter, Class<?> exit) {}

  /** The library versions supported; classes loaded with any other version are left alone. */
  LibraryVersion version();

  /** For the start line: library, versions, transports. */
  String description();

  /** The fully qualified names of the classes instrumented. */
  List<String> typeNames();

  /** The advice for one of {@link #typeNames()}. */
  List<On> adviceFor(String typeName);

  /** One advice class on the methods {@code methods} selects. */
  static On advice(Class<?> adviceClass, ElementMatcher<? super MethodDescription> methods) {
    return new On(methods, adviceClass, adviceClass);
  }

  /** An enter advice and an exit advice from two classes, on the methods {@code methods} selects. */
  static On advice(Class<?> enter, Class<?> exit, ElementMatcher<? super MethodDescription> methods) {
    return new On(methods, enter, exit);
  }
}
