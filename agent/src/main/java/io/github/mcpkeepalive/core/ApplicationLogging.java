package io.github.mcpkeepalive.core;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * {@code log_target=application}: the agent's lines go to the application's own SLF4J, under the
 * agent's logger names, once the application has set its logging up. The application's SLF4J is
 * found in the class loader of the first MCP client the agent sees (the MCP libraries log through
 * SLF4J themselves), and is used only after SLF4J there reports a successful initialization: the
 * agent never initializes the application's logging, never reads its configuration, never loads a
 * binding. Until then, and for good when the application's SLF4J has no binding or cannot be
 * reached, lines go to standard error, which one line says. Reached by reflection: the agent has no
 * SLF4J of its own and never links against the application's.
 */
final class ApplicationLogging {

  // SLF4J 1.7 and 2.0 share these: LoggerFactory.INITIALIZATION_STATE and its values
  private static final int ONGOING = 1;
  private static final int SUCCESSFUL = 3;

  /** Where routing stands. */
  enum State {
    /** No application class loader offered yet. */
    WAITING,
    /** A loader offered; its SLF4J not initialized by the application yet. */
    CANDIDATE,
    /** Lines go to the application's SLF4J. */
    ROUTED,
    /** Lines stay on standard error (said once). */
    STDERR
  }

  private static final String FACTORY = "org.slf4j.LoggerFactory";
  private static final String LOGGER = "org.slf4j.Logger";

  private volatile State state = State.WAITING;
  private volatile WeakReference<ClassLoader> candidate;
  private Field initState;
  private Method getLogger;
  private Method[] write; // by Log.Level ordinal: error, warn, info, debug (String)
  private final Map<String, Object> loggers = new ConcurrentHashMap<>();

  State state() {
    return state;
  }

  /** The class loader of an application class that logs through SLF4J (the first one kept). */
  void offer(ClassLoader loader) {
    if (state == State.WAITING && loader != null) {
      synchronized (this) {
        if (state == State.WAITING) {
          candidate = new WeakReference<>(loader);
          state = State.CANDIDATE;
        }
      }
    }
  }

  /**
   * Writes one line to the application's SLF4J if routing is on; false when the caller must write
   * it to standard error. {@code notice} receives the one line that tells where lines go from now.
   */
  boolean write(Log.Level level, String logger, String text, Consumer<String> notice) {
    State s = state;
    if (s == State.CANDIDATE) {
      s = settle(notice);
    }
    if (s != State.ROUTED) {
      return false;
    }
    try {
      Object target = loggers.computeIfAbsent(logger, this::applicationLogger);
      write[level.ordinal()].invoke(target, text);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      giveUp("writing to it failed (" + Redact.error(e) + ")", notice);
      return false;
    }
  }

  private Object applicationLogger(String name) {
    try {
      return getLogger.invoke(null, name);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Looks once more whether the application's SLF4J is up; decides when it can. */
  private synchronized State settle(Consumer<String> notice) {
    if (state != State.CANDIDATE) {
      return state;
    }
    ClassLoader loader = candidate.get();
    try {
      if (initState == null) {
        Class<?> factory = Class.forName(FACTORY, false, loader);
        Field f = factory.getDeclaredField("INITIALIZATION_STATE");
        f.setAccessible(true);
        initState = f;
        getLogger = factory.getMethod("getLogger", String.class);
        Class<?> logger = Class.forName(LOGGER, false, loader);
        write = new Method[Log.Level.values().length];
        write[Log.Level.DEBUG.ordinal()] = logger.getMethod("debug", String.class);
        write[Log.Level.INFO.ordinal()] = logger.getMethod("info", String.class);
        write[Log.Level.WARN.ordinal()] = logger.getMethod("warn", String.class);
        write[Log.Level.ERROR.ordinal()] = logger.getMethod("error", String.class);
      }
      // the field is read as it is: SLF4J initializes itself on the application's first getLogger
      int init = initState.getInt(null);
      String noBackend = init == SUCCESSFUL ? noBackend(loader) : null;
      if (init == SUCCESSFUL && noBackend != null) {
        giveUp(noBackend, notice);
      } else if (init == SUCCESSFUL) {
        state = State.ROUTED;
        notice.accept(
            "log_target=application: the application's logging is set up; the agent's further"
                + " lines go there (SLF4J loggers mcp.keepalive.*)");
      } else if (init > ONGOING && init != SUCCESSFUL) {
        giveUp("it has no logging backend (SLF4J state " + init + ")", notice);
      }
    } catch (ClassNotFoundException e) {
      giveUp("the application has no SLF4J", notice);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      giveUp("it cannot be reached (" + Redact.error(e) + ")", notice);
    }
    return state;
  }

  /**
   * Why the application's initialized SLF4J would write nothing (null: it writes): SLF4J 2 reports
   * success with its no-operation provider too.
   */
  private static String noBackend(ClassLoader loader) throws ReflectiveOperationException {
    Object factory =
        Class.forName(FACTORY, false, loader).getMethod("getILoggerFactory").invoke(null);
    return factory.getClass().getName().endsWith(".NOPLoggerFactory")
        ? "it has no logging backend (SLF4J's no-operation logger)"
        : null;
  }

  private void giveUp(String why, Consumer<String> notice) {
    if (state == State.STDERR) {
      return;
    }
    state = State.STDERR;
    notice.accept(
        "log_target=application: the application's SLF4J is not used, "
            + why
            + "; the agent's lines stay on standard error");
  }
}
