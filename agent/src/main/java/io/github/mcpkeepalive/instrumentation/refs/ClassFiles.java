package io.github.mcpkeepalive.instrumentation.refs;

import java.io.IOException;
import java.io.InputStream;

/** Class files read as a class loader would define them, without loading the classes. */
public final class ClassFiles {

  private ClassFiles() {}

  /**
   * The class file of {@code binaryName} ({@code a.b.C}) through {@code loader} (null: the system
   * class loader's resources), or null when it has none.
   */
  public static byte[] read(ClassLoader loader, String binaryName) throws IOException {
    return resource(loader, binaryName.replace('.', '/') + ".class");
  }

  /**
   * The bytes of resource {@code path} through {@code loader} (null: the system class loader's).
   */
  public static byte[] resource(ClassLoader loader, String path) throws IOException {
    try (InputStream in =
        loader == null
            ? ClassLoader.getSystemResourceAsStream(path)
            : loader.getResourceAsStream(path)) {
      return in == null ? null : in.readAllBytes();
    }
  }
}
