package io.github.mcpkeepalive.core;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The agent's logging: one line per event, written to standard error prefixed {@code
 * [mcp-keepalive]}, or with {@code log_target=application} to the application's own SLF4J once it
 * is set up ({@link ApplicationLogging}, reached by reflection: the application's logging stack is
 * never touched otherwise). The agent's code logs through three named loggers ({@link #AGENT},
 * {@link #CONNECTION}, {@link #INSTRUMENTATION}; the static methods here write to {@link #AGENT}),
 * filtered by the agent's level. Callers pass text that is already redacted (see {@link Redact});
 * line breaks are folded so that one event is always one line.
 *
 * <p>The loggers are this class's own, not SLF4J's API shaded inside the agent as they were: that
 * binding loaded about ten classes of SLF4J and of the agent at every start, on the set-up's path.
 */
public final class Log {

  /** Severity, lowest first. */
  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR,
    OFF
  }

  /** Where the lines go: standard error, or the application's own SLF4J once it is set up. */
  public enum Target {
    STDERR,
    APPLICATION
  }

  public static final String PREFIX = "[mcp-keepalive]";

  private static volatile Level threshold = Level.INFO;
  private static volatile Consumer<String> sink; // null: standard error (no lambda made at start)
  private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();
  private static volatile Target target = Target.STDERR;
  // made by setTarget(APPLICATION) only: an agent logging to standard error does not load it
  private static volatile ApplicationLogging application;

  /** The agent itself: start, configuration, its own failures. */
  public static final Logger AGENT = new Logger("mcp.keepalive.agent");

  /** The connections: discovery, state transitions, pings, reconnects. */
  public static final Logger CONNECTION = new Logger("mcp.keepalive.connection");

  /** The weaving of the libraries' classes and the hooks' own decisions. */
  public static final Logger INSTRUMENTATION = new Logger("mcp.keepalive.instrumentation");

  /**
   * One of the agent's loggers: its name ({@code mcp.keepalive.*}) is the logger's name in the
   * application's logging with {@code log_target=application}; its level is the agent's.
   */
  public static final class Logger {
    private final String name;

    Logger(String name) {
      this.name = name;
    }

    public void debug(String message) {
      log(this, Level.DEBUG, message);
    }

    public void info(String message) {
      log(this, Level.INFO, message);
    }

    public void warn(String message) {
      log(this, Level.WARN, message);
    }

    public void error(String message) {
      log(this, Level.ERROR, message);
    }
  }

  private Log() {}

  public static void setLevel(Level level) {
    threshold = level;
  }

  public static Level level() {
    return threshold;
  }

  /** Where lines go from now on; {@link Target#APPLICATION} starts looking for its SLF4J anew. */
  public static void setTarget(Target t) {
    // written before the target and read after it: whoever sees APPLICATION sees its logging
    application = t == Target.APPLICATION ? new ApplicationLogging() : null;
    target = t;
  }

  /**
   * The class loader of an application class that logs through SLF4J (an MCP client's): where
   * {@code log_target=application} looks for the application's logging. Cheap; never throws.
   */
  public static void applicationLoader(ClassLoader loader) {
    if (target == Target.APPLICATION) {
      ApplicationLogging a = application;
      if (a != null) {
        a.offer(loader);
      }
    }
  }

  /** Redirects output (tests); {@code null} restores standard error. */
  public static void setSink(Consumer<String> newSink) {
    sink = newSink;
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
    log(AGENT, level, message);
  }

  /** Logs to {@code logger} at a level chosen at run time, if that level is enabled. */
  public static void log(Logger logger, Level level, String message) {
    if (enabled(level)) {
      write(level, logger.name, message);
    }
  }

  /** Writes one enabled event of logger {@code logger} where the lines go (see {@link Target}). */
  static void write(Level level, String logger, String message) {
    String text = oneLine(String.valueOf(message));
    try {
      if (target == Target.APPLICATION) {
        ApplicationLogging a = application;
        if (a != null && a.write(level, logger, text, Log::notice)) {
          return;
        }
      }
      emit(PREFIX + ' ' + Instant.now() + ' ' + level + ' ' + text);
    } catch (RuntimeException ignored) {
      // logging must never break the host
    }
  }

  /** A line about the logging itself: always on standard error (the sink), whatever the level. */
  private static void notice(String text) {
    emit(PREFIX + ' ' + Instant.now() + ' ' + Level.INFO + ' ' + text);
  }

  static String oneLine(String text) {
    if (text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
      return text;
    }
    return text.replace("\r\n", " | ").replace('\n', ' ').replace('\r', ' ');
  }

  private static void emit(String line) {
    Consumer<String> s = sink;
    if (s != null) {
      s.accept(line);
      return;
    }
    PrintStream err = System.err;
    err.println(line);
  }
}
