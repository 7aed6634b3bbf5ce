package io.github.mcpkeepalive.core;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The agent's only logger: one line per event, prefixed {@code [mcp-keepalive]}, written to
 * standard error. It never depends on the application's logging stack. Callers pass text that is
 * already redacted (see {@link Redact}); this class still folds line breaks so that one event is
 * always one line.
 */
public final class Log {

  /** Severity, lowest first. */
  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR,
    OFF;

    /** Parses a level name, case-insensitively; returns null when the name is unknown. */
    public static Level parse(String text) {
      if (text == null) {
        return null;
      }
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  /** Where the lines go: standard error, or the application's own SLF4J once it is set up. */
  public enum Target {
    STDERR,
    APPLICATION;

    /** Parses a target name, case-insensitively; returns null when the name is unknown. */
    public static Target parse(String text) {
      for (Target t : values()) {
        if (t.name().equalsIgnoreCase(text.trim())) {
          return t;
        }
      }
      return null;
    }
  }

  public static final String PREFIX = "[mcp-keepalive]";

  private static volatile Level threshold = Level.INFO;
  private static volatile Consumer<String> sink = Log::toStderr;
  private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

  private Log() {}

  public static void setLevel(Level level) {
    threshold = level;
  }

  public static Level level() {
    return threshold;
  }

  /** Redirects output (tests); {@code null} restores standard error. */
  public static void setSink(Consumer<String> newSink) {
    sink = newSink == null ? Log::toStderr : newSink;
  }

  public static boolean enabled(Level level) {
    return level != Level.OFF && level.compareTo(threshold) >= 0;
  }

  public static void debug(String message) {
    log(Level.DEBUG, message);
  }

  public static void info(String message) {
    log(Level.INFO, message);
  }

  public static void warn(String message) {
    log(Level.WARN, message);
  }

  public static void error(String message) {
    log(Level.ERROR, message);
  }

  /** Logs the message the first time {@code key} is seen, and never again in this JVM. */
  public static void once(Level level, String key, String message) {
    if (ONCE.add(key)) {
      log(level, message);
    }
  }

  public static void log(Level level, String message) {
    if (!enabled(level)) {
      return;
    }
    String line =
        PREFIX + ' ' + Instant.now() + ' ' + level + ' ' + oneLine(String.valueOf(message));
    try {
      sink.accept(line);
    } catch (RuntimeException ignored) {
      // logging must never break the host
    }
  }

  static String oneLine(String text) {
    if (text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
      return text;
    }
    return text.replace("\r\n", " | ").replace('\n', ' ').replace('\r', ' ');
  }

  private static void toStderr(String line) {
    PrintStream err = System.err;
    err.println(line);
  }
}
