package io.github.mcpkeepalive.instrumentation;

import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.core.Redact;
import io.github.mcpkeepalive.instrumentation.refs.ClassFiles;
import io.github.mcpkeepalive.instrumentation.refs.ListedSums;
import io.github.mcpkeepalive.instrumentation.weave.Hook;
import io.github.mcpkeepalive.instrumentation.weave.On;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The classes the build already wove for the library versions the agent is tested on, so that an
 * application on one of them pays for no weaving at start-up (and no bytecode library is loaded).
 * The build ({@code PrebuiltGenerator}, run before the agent's tests, which compare its output with
 * the run-time weaving) takes, for each tested version, the decision the agent takes at run time
 * ({@link LibraryInstrumentation#moduleFor}) and weaves each class of the chosen range with the
 * same {@link io.github.mcpkeepalive.instrumentation.weave.ClassWeaver}.
 *
 * <p>At run time the reference check is made as always; a class of the range it chose is taken
 * woven from here only when the bytes the JVM brings are those the build wove (two checksums and
 * the length agree) and the hooks are visible from the class's loader, as the weaver would require.
 * Any other class (an untested version, a patched jar) is woven at run time.
 *
 * <p>The reference check itself is known for these versions too: the build records which class
 * files its check read (with their checksums) and which range it chose, and a class loader that
 * serves the very same files gets that range without the files being parsed again ({@link
 * #checked}).
 *
 * <p>The index ({@value #INDEX}) has one line per woven class: {@code woven RANGE INTERNAL_NAME SUM
 * RESOURCE}, SUM being {@code crc32:adler32:length} in hex; and one per tested version's check:
 * {@code checked LIBRARY RANGE NAME=SUM;NAME=SUM;…} (SUM {@code -} for a class the check found
 * absent).
 */
public final class Prebuilt {

  public static final String INDEX = "META-INF/mcp-keepalive/prebuilt/index.txt";
  public static final String FOLDER = "META-INF/mcp-keepalive/prebuilt/";

  private final Map<String, String> woven = new HashMap<>(); // "range name sum" -> resource
  // library -> [range, files], in the index's order
  private final Map<String, List<String[]>> checked = new LinkedHashMap<>();
  // what checked() found per class loader; guarded by itself
  private final Map<ClassLoader, Seen> seen = new WeakHashMap<>();
  private final Resources resources;

  private static volatile Prebuilt instance;

  /** What {@link #checked} found in one class loader; guarded by itself. */
  private static final class Seen {
    final Map<String, String> sums = new HashMap<>(); // class name -> sum, shared by the libraries
    final Map<String, String> ranges = new HashMap<>(); // library -> range, or NO_RANGE
    final Set<String> ahead = new HashSet<>(); // libraries checkAhead was asked for
  }

  private static final String NO_RANGE = "";

  /** Where the index's resources are read. */
  interface Resources {
    /** The bytes of resource {@code path}, or null when there is none. */
    byte[] read(String path) throws IOException;
  }

  /** The index's text (null: none), whose resources {@code resources} serves. */
  Prebuilt(Resources resources, String index) {
    this.resources = resources;
    for (String line : index == null ? new String[0] : index.split("\n")) {
      String[] f = line.split(" ");
      if (f.length == 5 && f[0].equals("woven")) {
        woven.put(f[1] + " " + f[2] + " " + f[3], f[4]);
      } else if (f.length == 4 && f[0].equals("checked")) {
        List<String[]> prints = checked.get(f[1]);
        if (prints == null) {
          prints = new ArrayList<>();
          checked.put(f[1], prints);
        }
        prints.add(new String[] {f[2], f[3]});
      }
    }
  }

  /** The agent's index, read once; empty when the agent was built without it. */
  static Prebuilt get() {
    Prebuilt p = instance;
    if (p == null) {
      synchronized (Prebuilt.class) {
        p = instance;
        if (p == null) {
          p = load();
          instance = p;
        }
      }
    }
    return p;
  }

  private static Prebuilt load() {
    Resources own = ownResources();
    String index = null;
    try {
      byte[] b = own.read(INDEX);
      index = b == null ? null : new String(b, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      Log.INSTRUMENTATION.debug("prebuilt index not read: " + Redact.error(e));
    }
    return new Prebuilt(own, index);
  }

  /**
   * The agent's own resources, read from its jar directly when it runs from one. Through its class
   * loader a resource of the agent, whose jar comes last on the class path, is looked for in every
   * jar before it, each opened for that: 40 to 50 ms at the start of the sample app (about 40
   * jars), on the path of the first MCP class the application loads.
   */
  private static Resources ownResources() {
    ClassLoader loader = Prebuilt.class.getClassLoader();
    try {
      CodeSource source = Prebuilt.class.getProtectionDomain().getCodeSource();
      Path jar = source == null ? null : Path.of(source.getLocation().toURI());
      if (jar != null && Files.isRegularFile(jar)) {
        ZipFile zip = new ZipFile(jar.toFile()); // open for the JVM's life, as the JVM keeps it
        return path -> {
          ZipEntry entry = zip.getEntry(path);
          if (entry == null) {
            return null;
          }
          try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
          }
        };
      }
    } catch (IOException | RuntimeException | URISyntaxException e) {
      Log.INSTRUMENTATION.debug(
          "agent jar not opened, its resources read through its class loader: " + Redact.error(e));
    }
    return path -> ClassFiles.resource(loader, path);
  }

  /**
   * The class {@code name} as the build wove it into {@code original} for {@code range}, or null
   * when the build did not weave these bytes or the hooks are not visible from {@code loader}.
   */
  byte[] woven(InstrumentationModule range, String name, byte[] original, ClassLoader loader)
      throws IOException {
    String resource = woven.get(range.name() + " " + name.replace('.', '/') + " " + sum(original));
    return resource == null || !hooksVisible(range, name, loader)
        ? null
        : resources.read(FOLDER + resource);
  }

  /**
   * Whether {@code loader} resolves every hooks class {@code range} weaves into {@code name} to
   * that very class: at once when it is the agent's own loader (the hooks are its classes, as on
   * the class path of an application started with the agent), so that the first class woven neither
   * builds its hooks nor loads their classes; otherwise by resolving each.
   */
  static boolean hooksVisible(InstrumentationModule range, String name, ClassLoader loader) {
    return loader == Prebuilt.class.getClassLoader() || hooksVisible(range.hooksFor(name), loader);
  }

  /** Whether {@code loader} resolves every hooks class of {@code on} to that very class. */
  static boolean hooksVisible(List<On> on, ClassLoader loader) {
    for (On o : on) {
      for (Hook h : o.hooks()) {
        if (!h.visibleFrom(loader)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The checksums of a class file: "crc32:adler32:length" in hex. */
  public static String sum(byte[] bytes) {
    return ClassFiles.sum(bytes);
  }

  /**
   * The version range the build's reference check chose for {@code library} when it read exactly
   * the class files {@code loader} serves (each one's checksums equal to those the build read, an
   * absent one absent; for a class in a plain jar, CRC-32 and length as the jar's directory lists
   * them, without reading it: {@link ListedSums}), or null: then the check is made as always. The
   * check is a function of those bytes alone, so its result is known without parsing them again.
   * Found once per loader and library; a caller that comes while another thread finds it ({@link
   * #checkAhead}) waits for that answer.
   */
  String checked(String library, ClassLoader loader) {
    List<String[]> prints = checked.get(library);
    if (prints == null) {
      return null;
    }
    Seen s = seen(loader);
    synchronized (s) {
      String range = s.ranges.get(library);
      if (range == null) {
        range = NO_RANGE;
        try (ListedSums listed = new ListedSums()) {
          for (String[] print : prints) {
            if (sameFiles(print[1], loader, s.sums, listed)) {
              range = print[0];
              break;
            }
          }
        }
        s.ranges.put(library, range);
      }
      return range.equals(NO_RANGE) ? null : range;
    }
  }

  /**
   * Finds now what {@link #checked} answers for {@code library} in {@code loader}: on a thread of
   * the agent's own at JVM start, beside the application's start and the reading of the
   * configuration, so that the first MCP class the application loads finds the answer ready. Logs
   * nothing (it runs before the agent's log level is known); a class file that cannot be read
   * counts as absent, as it does when the answer is found later.
   */
  void checkAhead(String library, ClassLoader loader) {
    Seen s = seen(loader);
    synchronized (s) {
      s.ahead.add(library);
    }
    checked(library, loader);
  }

  /** Whether {@link #checkAhead} was asked for {@code library} in {@code loader}. */
  boolean checkedAhead(String library, ClassLoader loader) {
    Seen s;
    synchronized (seen) {
      s = seen.get(loader);
    }
    if (s == null) {
      return false;
    }
    synchronized (s) {
      return s.ahead.contains(library);
    }
  }

  private Seen seen(ClassLoader loader) {
    synchronized (seen) {
      Seen s = seen.get(loader);
      if (s == null) {
        s = new Seen();
        seen.put(loader, s);
      }
      return s;
    }
  }

  /**
   * Whether every {@code name=sum} of {@code files} (separated by ;) is what {@code loader} has.
   */
  private static boolean sameFiles(
      String files, ClassLoader loader, Map<String, String> sums, ListedSums listed) {
    for (String entry : files.split(";")) {
      int eq = entry.indexOf('=');
      String name = entry.substring(0, eq);
      String sum = sums.get(name);
      if (sum == null) {
        sum = listed.of(loader, name);
        sums.put(name, sum);
      }
      if (!ListedSums.same(sum, entry.substring(eq + 1))) {
        return false;
      }
    }
    return true;
  }
}
