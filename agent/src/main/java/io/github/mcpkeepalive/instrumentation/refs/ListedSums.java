package io.github.mcpkeepalive.instrumentation.refs;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The checksums of class files as a class loader serves them ({@link ClassFiles#sum}'s form), taken
 * from the central directory of the jar the loader finds each one in, without reading the class:
 * the directory states every entry's CRC-32 and length, which is all {@link #same} needs to tell a
 * file from another. Which file the loader serves is the loader's own answer ({@link
 * ClassLoader#getResource}, a {@code jar:file:} URL naming the jar and the entry, a multi-release
 * jar's versioned entry by its real name); a class the loader finds elsewhere (a folder, a jar
 * inside a jar) or whose jar cannot be opened here is read as the loader serves it and summed in
 * full. Only the reading is saved: about half the time of a check of 20 class files at the start of
 * the sample app.
 *
 * <p>The jars opened here share what the JVM keeps of those it already opened (a jar replaced on
 * disk since would be compared as it now is); they are closed with this object.
 */
public final class ListedSums implements AutoCloseable {

  /** The Adler-32 part of a sum taken from a jar's directory, which does not state it. */
  static final String UNLISTED = "*";

  private final Map<String, ZipFile> jars = new HashMap<>();

  /**
   * The checksums of {@code binaryName}'s class file through {@code loader}, {@code crc32:*:length}
   * when taken from its jar's directory; {@link Shapes#ABSENT} when the loader has none or it
   * cannot be read.
   */
  public String of(ClassLoader loader, String binaryName) {
    String path = binaryName.replace('.', '/') + ".class";
    try {
      URL url = loader == null ? ClassLoader.getSystemResource(path) : loader.getResource(path);
      if (url == null) {
        return Shapes.ABSENT;
      }
      String listed = listed(url);
      if (listed != null) {
        return listed;
      }
      byte[] bytes = ClassFiles.read(loader, binaryName); // as the build and a full check read it
      return bytes == null ? Shapes.ABSENT : ClassFiles.sum(bytes);
    } catch (IOException | RuntimeException e) {
      return Shapes.ABSENT; // unreadable counts as absent, as in a full check
    }
  }

  /**
   * Whether {@code found} ({@link #of}) and {@code recorded} (a full {@link ClassFiles#sum}) are
   * the checksums of the same file: all three parts equal, or CRC-32 and length where the Adler-32
   * was not listed.
   */
  public static boolean same(String found, String recorded) {
    if (found.equals(recorded)) {
      return true;
    }
    String[] f = found.split(":");
    String[] r = recorded.split(":");
    return f.length == 3
        && r.length == 3
        && f[1].equals(UNLISTED)
        && f[0].equals(r[0])
        && f[2].equals(r[2]);
  }

  /**
   * The sum as the directory lists it, for a plain {@code jar:file:…!/entry} URL of a jar that
   * opens here; else null.
   */
  private String listed(URL url) {
    if (!"jar".equals(url.getProtocol()) || url.getRef() != null) {
      return null;
    }
    String spec = url.getPath();
    int bang = spec.indexOf("!/");
    if (!spec.startsWith("file:")
        || bang < 0
        || spec.indexOf("!/", bang + 2) >= 0
        || spec.indexOf('%') >= 0) {
      return null; // nested, or escaped characters to decode: read instead
    }
    String file = spec.substring("file:".length(), bang);
    ZipFile jar = jars.get(file);
    if (jar == null) {
      try {
        jar = new ZipFile(new File(file));
      } catch (IOException | RuntimeException e) {
        return null; // read through the loader instead
      }
      jars.put(file, jar);
    }
    ZipEntry entry = jar.getEntry(spec.substring(bang + 2));
    if (entry == null || entry.getCrc() < 0 || entry.getSize() < 0) {
      return null;
    }
    return Long.toHexString(entry.getCrc())
        + ":"
        + UNLISTED
        + ":"
        + Integer.toHexString((int) entry.getSize());
  }

  @Override
  public void close() {
    for (ZipFile jar : jars.values()) {
      try {
        jar.close();
      } catch (IOException e) {
        // nothing held but a reference the JVM shares
      }
    }
    jars.clear();
  }
}
