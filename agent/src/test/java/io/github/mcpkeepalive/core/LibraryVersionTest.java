package io.github.mcpkeepalive.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryVersionTest {

  @TempDir Path dir;

  private LibraryVersion lib() {
    return new LibraryVersion(
        "Some Lib",
        "org.example",
        List.of("some-lib"),
        "org.example.Client",
        Pattern.compile("1\\.[23]\\.\\d+"),
        "1.2.x, 1.3.x");
  }

  private ClassLoader jarWith(String name, String pomVersion, String manifestVersion)
      throws IOException {
    Path jar = dir.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("org/example/Client.class"));
      out.write(new byte[] {0});
      if (pomVersion != null) {
        out.putNextEntry(new JarEntry("META-INF/maven/org.example/some-lib/pom.properties"));
        out.write(
            ("groupId=org.example\nartifactId=some-lib\nversion=" + pomVersion + "\n")
                .getBytes(StandardCharsets.UTF_8));
      }
      if (manifestVersion != null) {
        out.putNextEntry(new JarEntry("META-INF/MANIFEST.MF"));
        out.write(
            ("Manifest-Version: 1.0\nImplementation-Title: some-lib\nImplementation-Version: "
                    + manifestVersion
                    + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
    return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
  }

  @Test
  void theVersionIsReadAndMarkedWhenNoTestCoversIt() throws IOException {
    LibraryVersion v = lib();
    ClassLoader tested = jarWith("ok.jar", "1.3.7", null);
    assertTrue(v.presentIn(tested));
    assertEquals("1.3.7", v.read(tested));
    assertTrue(v.tested("1.3.7"));
    assertFalse(v.tested("1.4.0"));
    assertFalse(v.tested(null));
    assertFalse(v.presentIn(new URLClassLoader(new URL[0], null)), "a loader without the library");
  }

  @Test
  void theManifestServesWhenThePomPropertiesAreMissing() throws IOException {
    LibraryVersion v = lib();
    assertEquals("1.2.1", v.read(jarWith("manifest.jar", null, "1.2.1")));
    assertEquals(null, v.read(jarWith("bare.jar", null, null)));
    assertEquals(
        null, v.read(new URLClassLoader(new URL[0], null)), "a loader without the library");
  }

  @Test
  void theVersionIsReadOncePerLoader() throws IOException {
    LibraryVersion v = lib();
    ClassLoader jar = jarWith("once.jar", "1.3.7", null);
    List<String> lookups = new ArrayList<>();
    ClassLoader counting =
        new ClassLoader(null) {
          @Override
          public URL getResource(String name) {
            lookups.add(name);
            return jar.getResource(name);
          }
        };
    assertEquals("1.3.7", v.read(counting));
    int first = lookups.size();
    assertTrue(first > 0);
    assertEquals("1.3.7", v.read(counting));
    assertEquals(first, lookups.size(), "read from what the first read found");
    ClassLoader bare = jarWith("bare-once.jar", null, null);
    assertEquals(null, v.read(bare));
    assertEquals(null, v.read(bare), "none the second time either");
  }
}
