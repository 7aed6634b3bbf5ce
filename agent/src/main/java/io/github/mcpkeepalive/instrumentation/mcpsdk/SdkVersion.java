package io.github.mcpkeepalive.instrumentation.mcpsdk;

import io.github.mcpkeepalive.core.Log;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.regex.Pattern;

/**
 * Finds the MCP Java SDK version a class loader provides, from the {@code mcp-core} jar that holds
 * its client classes, and decides whether the agent supports it (2.0.x and 2.1.x).
 */
public final class SdkVersion {

  static final Pattern SUPPORTED = Pattern.compile("2\\.[01]\\.\\d+([.-].*)?");
  static final String SUPPORTED_TEXT = "2.0.x, 2.1.x";
  private static final String CLIENT_CLASS = "io/modelcontextprotocol/client/McpAsyncClient.class";
  private static final String POM_PROPERTIES = "META-INF/maven/io.modelcontextprotocol.sdk/mcp-core/pom.properties";
  private static final Map<ClassLoader, Boolean> DECIDED = Collections.synchronizedMap(new WeakHashMap<>());

  private SdkVersion() {}

  /** Whether the SDK seen by {@code loader} is supported; logs one line per unsupported loader. */
  public static boolean supported(ClassLoader loader) {
    if (loader == null) {
      return false;
    }
    Boolean known = DECIDED.get(loader);
    if (known != null) {
      return known;
    }
    String version = read(loader);
    boolean ok = version != null && SUPPORTED.matcher(version).matches();
    if (!ok) {
      Log.once(
          Log.Level.WARN,
          "sdk-unsupported-" + version + "-" + System.identityHashCode(loader),
          "MCP Java SDK " + (version == null ? "of unknown version" : version) + " is not supported (supported: " + SUPPORTED_TEXT + "): its clients are left alone, without keepalive");
    }
    DECIDED.put(loader, ok);
    return ok;
  }

  /** The version of the SDK that defined {@code type}, or "unknown". */
  static String of(Class<?> type) {
    String v = read(type.getClassLoader());
    return v == null ? "unknown" : v;
  }

  static String read(ClassLoader loader) {
    if (loader == null) {
      return null;
    }
    try {
      URL classUrl = loader.getResource(CLIENT_CLASS);
      if (classUrl == null) {
        return null;
      }
      String s = classUrl.toString();
      int bang = s.lastIndexOf("!/");
      if (bang >= 0) {
        String v = fromProperties(new URL(s.substring(0, bang + 2) + POM_PROPERTIES));
        if (v != null) {
          return v;
        }
        v = fromManifest(new URL(s.substring(0, bang + 2) + "META-INF/MANIFEST.MF"));
        if (v != null) {
          return v;
        }
      }
      URL props = loader.getResource(POM_PROPERTIES);
      return props == null ? null : fromProperties(props);
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

  private static String fromManifest(URL url) {
    try (InputStream in = url.openStream()) {
      java.util.jar.Manifest m = new java.util.jar.Manifest(in);
      String title = m.getMainAttributes().getValue("Implementation-Title");
      return "mcp-core".equals(title) ? m.getMainAttributes().getValue("Implementation-Version") : null;
    } catch (Exception e) {
      return null;
    }
  }
}
