package io.github.mcpkeepalive.instrumentation.refs;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.Adler32;
import java.util.zip.CRC32;

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

  /** The checksums of a class file: "crc32:adler32:length" in hex. */
  public static String sum(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    Adler32 adler = new Adler32();
    adler.update(bytes);
    return Long.toHexString(crc.getValue())
        + ":"
        + Long.toHexString(adler.getValue())
        + ":"
        + Integer.toHexString(bytes.length);
  }
}
