package io.github.mcpkeepalive.core;

import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * The version of a Maven artifact that a class loader provides, read from the jar that holds one of
 * its classes (its {@code pom.properties}, else its manifest), and whether the agent supports it.
 * An unsupported version is reported once per class loader and left alone.
 */
public final class LibraryVersion {

  private final String displayName;
  private final java.util.List<String> artifactIds;
  private final String classResource;
  private final java.util.List<String> pomProperties;
  private final Pattern supported;
  private final String supportedText;
  private final Map<ClassLoader, Boolean> decided = Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * @param displayName how users name the library, for log lines
   * @param groupId Maven group of the artifact
   * @param artifactId Maven artifact that holds {@code probeClass} (several, comma-separated, where it moved between artifacts)
   * @param probeClass a class name of that artifact, to find its jar
   * @param supported the supported versions
   * @param supportedText the same, for people ("2.0.x, 2.1.x")
   */
  public LibraryVersion(String displayName, String groupId, String artifactId, String probeClass, Pattern supported, String supportedText) {
    this.displayName = displayName;
    this.artifactIds = java.util.List.of(artifactId.split(","));
    this.classResource = probeClass.replace('.', '/') + ".class";
    this.pomProperties = artifactIds.stream().map(a -> "META-INF/maven/" + groupId + "/" + a + "/pom.properties").collect(java.util.stream.Collectors.toList());
    this.supported = supported;
    this.supportedText = supportedText;
  }

  public String supportedText() {
    return supportedText;
  }

  /** Whether the library seen by {@code loader} is supported; logs one line per unsupported loader. */
  public boolean supported(ClassLoader loader) {
    if (loader == null) {
      return false;
    }
    Boolean known = decided.get(loader);
    if (known != null) {
      return known;
    }
    if (loader.getResource(classResource) == null) {
      decided.put(loader, false); // the library is not there (another library's class is being looked at)
      return false;
    }
    String version = read(loader);
    boolean ok = version != null && supported.matcher(version).matches();
    if (!ok) {
      Log.once(
          Log.Level.WARN,
          "unsupported-" + artifactIds.get(0) + "-" + version + "-" + System.identityHashCode(loader),
          displayName + " " + (version == null ? "of unknown version" : version) + " is not supported (supported: " + supportedText + "): its clients are left alone, without keepalive");
    }
    decided.put(loader, ok);
    return ok;
  }

  /** The version of the library that defined {@code type}, or "unknown". */
  public String of(Class<?> type) {
    String v = read(type.getClassLoader());
    return v == null ? "unknown" : v;
  }

  String read(ClassLoader loader) {
    if (loader == null) {
      return null;
    }
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
      return artifactIds.contains(title) ? m.getMainAttributes().getValue("Implementation-Version") : null;
    } catch (Exception e) {
      return null;
    }
  }
}
