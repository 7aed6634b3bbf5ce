package io.github.mcpkeepalive.core;

import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * The version of a Maven artifact that a class loader provides, read from the jar that holds one of
 * its classes (its {@code pom.properties}, else its manifest), and whether the project's tests
 * cover it. The version decides nothing: whether a library is instrumented is decided by checking
 * its classes (see {@code instrumentation.refs.References}); the version only names it in log
 * lines.
 */
public final class LibraryVersion {

  private final String displayName;
  private final List<String> artifactIds;
  private final String classResource;
  private final List<String> pomProperties = new ArrayList<>();
  private final Pattern tested;
  // per loader, "" when none could be read
  private final Map<ClassLoader, String> versions =
      Collections.synchronizedMap(new WeakHashMap<>());
  private final String testedText;

  /**
   * @param displayName how users name the library, for log lines
   * @param groupId Maven group of the artifact
   * @param artifactIds the Maven artifacts that have held {@code probeClass} (classes move between
   *     artifacts across versions)
   * @param probeClass a class name of that artifact, to find its jar
   * @param tested the versions the project's tests run
   * @param testedText the same, for people ("0.16.x to 2.1.x")
   */
  public LibraryVersion(
      String displayName,
      String groupId,
      List<String> artifactIds,
      String probeClass,
      Pattern tested,
      String testedText) {
    this.displayName = displayName;
    this.artifactIds = List.copyOf(artifactIds);
    this.classResource = probeClass.replace('.', '/') + ".class";
    for (String a : artifactIds) {
      pomProperties.add("META-INF/maven/" + groupId + "/" + a + "/pom.properties");
    }
    this.tested = tested;
    this.testedText = testedText;
  }

  public String displayName() {
    return displayName;
  }

  public String testedText() {
    return testedText;
  }

  /** Whether {@code loader} sees the library at all. */
  public boolean presentIn(ClassLoader loader) {
    return loader != null && loader.getResource(classResource) != null;
  }

  /** Whether the project's tests cover {@code version}. */
  public boolean tested(String version) {
    return version != null && tested.matcher(version).matches();
  }

  /** The version of the library that defined {@code type}, marked when no test covers it. */
  public String of(Class<?> type) {
    String v = read(type.getClassLoader());
    return v == null ? "of unknown version (untested)" : tested(v) ? v : v + " (untested version)";
  }

  /**
   * The version {@code loader} provides, or null when it cannot be read; read once per loader (the
   * agent's check thread reads it ahead, beside the application's start, for the decision's line).
   */
  public String read(ClassLoader loader) {
    if (loader == null) {
      return null;
    }
    String v = versions.get(loader);
    if (v == null) {
      String read = readNow(loader); // outside the lock: two threads may both read it
      v = read == null ? "" : read;
      versions.put(loader, v);
    }
    return v.isEmpty() ? null : v;
  }

  private String readNow(ClassLoader loader) {
    try {
      URL classUrl = loader.getResource(classResource);
      if (classUrl == null) {
        return null;
      }
      String s = classUrl.toString();
      int bang = s.lastIndexOf("!/");
      if (bang >= 0) {
        String jar = s.substring(0, bang + 2);
        for (String props : pomProperties) {
          String v = fromProperties(new URL(jar + props));
          if (v != null) {
            return v;
          }
        }
        String v = fromManifest(new URL(jar + "META-INF/MANIFEST.MF"));
        if (v != null) {
          return v;
        }
      }
      for (String props : pomProperties) {
        URL url = loader.getResource(props);
        if (url != null) {
          return fromProperties(url);
        }
      }
      return null;
    } catch (Exception e) {
      return null;
    }
  }

  private static String fromProperties(URL url) {
    try (InputStream in = url.openStream()) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (Exception e) {
      return null;
    }
  }

  private String fromManifest(URL url) {
    try (InputStream in = url.openStream()) {
      Manifest m = new Manifest(in);
      String title = m.getMainAttributes().getValue("Implementation-Title");
      return artifactIds.contains(title)
          ? m.getMainAttributes().getValue("Implementation-Version")
          : null;
    } catch (Exception e) {
      return null;
    }
  }
}
