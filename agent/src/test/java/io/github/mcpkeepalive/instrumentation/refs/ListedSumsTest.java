package io.github.mcpkeepalive.instrumentation.refs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class file's checksums as its jar's directory lists them agree with those of its bytes, for
 * every class of a real library jar; a class the loader serves from a folder is read in full.
 */
class ListedSumsTest {

  private static Path sdkJar() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("target", "library-jars"))) {
      return files
          .filter(p -> p.getFileName().toString().matches("mcp-core-.*\\.jar|mcp-2\\..*\\.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("the build copies the SDK's jars"));
    }
  }

  @Test
  void aJarsDirectoryListsWhatItsClassesSumTo() throws IOException {
    Path jar = sdkJar();
    int compared = 0;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        ZipFile zip = new ZipFile(jar.toFile());
        ListedSums listed = new ListedSums()) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        if (!e.getName().endsWith(".class") || e.getName().contains("module-info")) {
          continue;
        }
        String name = e.getName().replace('/', '.').substring(0, e.getName().length() - 6);
        String found = listed.of(loader, name);
        String full = ClassFiles.sum(ClassFiles.read(loader, name));
        String[] f = found.split(":");
        assertEquals(ListedSums.UNLISTED, f[1], name + ": taken from the directory");
        assertTrue(ListedSums.same(found, full), name + ": " + found + " vs " + full);
        compared++;
      }
    }
    assertTrue(compared > 50, "classes compared: " + compared);
  }

  @Test
  void aFolderIsReadInFullAndAnAbsentClassIsAbsent(@TempDir Path folder) throws IOException {
    Path jar = sdkJar();
    String name;
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      ZipEntry e =
          Collections.list(zip.entries()).stream()
              .filter(x -> x.getName().endsWith("Transport.class"))
              .findFirst()
              .orElseThrow();
      Path file = folder.resolve(e.getName());
      Files.createDirectories(file.getParent());
      Files.write(file, zip.getInputStream(e).readAllBytes());
      name = e.getName().replace('/', '.').substring(0, e.getName().length() - 6);
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {folder.toUri().toURL()}, null);
        ListedSums listed = new ListedSums()) {
      assertEquals(ClassFiles.sum(ClassFiles.read(loader, name)), listed.of(loader, name));
      assertEquals(Shapes.ABSENT, listed.of(loader, "no.such.Type"));
    }
  }

  @Test
  void onlyTheSameCrcAndLengthAreTheSameFile() {
    String full = "1a2b3c4d:5e6f7a8b:c0";
    for (String same : List.of(full, "1a2b3c4d:*:c0")) {
      assertTrue(ListedSums.same(same, full), same);
    }
    for (String other :
        List.of(
            "1a2b3c4d:5e6f7a8c:c0", // a full sum compares its Adler-32 too
            "1a2b3c4e:*:c0",
            "1a2b3c4d:*:c1",
            Shapes.ABSENT,
            "1a2b3c4d")) {
      assertFalse(ListedSums.same(other, full), other);
    }
    assertTrue(ListedSums.same(Shapes.ABSENT, Shapes.ABSENT));
  }
}
