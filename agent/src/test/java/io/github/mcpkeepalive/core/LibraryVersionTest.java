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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryVersionTest {

  private final List<String> logged = new CopyOnWriteArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void restoreLog() {
    Log.setSink(null);
  }

  private LibraryVersion lib() {
    return new LibraryVersion("Some Lib", "org.example", "some-lib", "org.example.Client", Pattern.compile("1\\.[23]\\.\\d+"), "1.2.x, 1.3.x");
  }

  private ClassLoader jarWith(String name, String pomVersion, String manifestVersion) throws IOException {
    Path jar = dir.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("org/example/Client.class"));
      out.write(new byte[] {0});
      if (pomVersion != null) {
        out.putNextEntry(new JarEntry("META-INF/maven/org.example/some-lib/pom.properties"));
        out.write(("groupId=org.example\nartifactId=some-lib\nversion=" + pomVersion + "\n").getBytes(StandardCharsets.UTF_8));
      }
      if (manifestVersion != null) {
        out.putNextEntry(new JarEntry("META-INF/MANIFEST.MF"));
        out.write(("Manifest-Version: 1.0\nImplementation-Title: some-lib\nImplementation-Version: " + manifestVersion + "\n\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
  }

  @Test
  void aSupportedVersionIsAcceptedSilently() throws IOException {
    Log.setSink(logged::add);
    LibraryVersion v = lib();
    ClassLoader loader = jarWith("ok.jar", "1.3.7", null);
    assertTrue(v.supported(loader));
    assertEquals("1.3.7", v.read(loader));
    assertTrue(logged.isEmpty(), logged::toString);
  }

  @Test
  void anUnsupportedVersionIsReportedOncePerLoader() throws IOException {
    Log.setSink(logged::add);
    LibraryVersion v = lib();
    ClassLoader loader = jarWith("new.jar", "1.4.0", null);
    assertFalse(v.supported(loader));
    assertFalse(v.supported(loader));
    assertEquals(1, logged.size(), logged::toString);
    assertTrue(logged.get(0).contains("Some Lib 1.4.0 is not supported (supported: 1.2.x, 1.3.x)"), logged.get(0));
  }

  @Test
  void theManifestServesWhenThePomPropertiesAreMissing() throws IOException {
    LibraryVersion v = lib();
    assertEquals("1.2.1", v.read(jarWith("manifest.jar", null, "1.2.1")));
    assertEquals(null, v.read(jarWith("bare.jar", null, null)));
    assertEquals(null, v.read(new URLClassLoader(new URL[0], null)), "a loader without the library");
  }
}
