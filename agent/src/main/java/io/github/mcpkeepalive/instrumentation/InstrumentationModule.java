package io.github.mcpkeepalive.instrumentation;

import io.github.mcpkeepalive.instrumentation.refs.References;
import io.github.mcpkeepalive.instrumentation.weave.On;
import java.util.List;

/**
 * The support for one version range of a library: the classes it weaves, the hooks woven into each
 * ({@link On}), and every reference into the library that its hooks rely on. It is applied to a
 * class loader only when all of its references match that loader's classes, and then to all of its
 * classes.
 */
public abstract class InstrumentationModule {

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

  /** The hooks woven into one of {@link #typeNames()}. */
  public abstract List<On> hooksFor(String typeName);
}
