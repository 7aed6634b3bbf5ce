package io.github.mcpkeepalive.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * The agent's own SLF4J binding (shaded with the API inside the agent's jar, so it never meets the
 * application's SLF4J): loggers named {@code mcp.keepalive.*} whose level is the agent's {@code
 * log_level} and whose lines go to {@link Log}'s output, standard error or, with {@code
 * log_target=application}, the application's own logging. No service lookup, no global state of
 * SLF4J's: {@link Log} asks this factory directly.
 */
final class AgentLoggers implements ILoggerFactory {

  static final AgentLoggers INSTANCE = new AgentLoggers();

  private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

  private AgentLoggers() {}

  @Override
  public Logger getLogger(String name) {
    Logger known = loggers.get(name);
    if (known != null) {
      return known;
    }
    Logger made = new AgentLogger(name); // no lambda: the first logger is made early, cold
    known = loggers.putIfAbsent(name, made);
    return known != null ? known : made;
  }

  /** One logger: filters by the agent's level, formats SLF4J's {@code {}} arguments, writes. */
  private static final class AgentLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    AgentLogger(String name) {
      this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return Log.enabled(Log.Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return Log.enabled(Log.Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return Log.enabled(Log.Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return Log.enabled(Log.Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] args, Throwable thrown) {
      String text =
          args == null || args.length == 0
              ? pattern
              : MessageFormatter.basicArrayFormat(pattern, args);
      if (thrown != null) {
        text = text + ": " + Redact.error(thrown); // a message, never a stack trace
      }
      Log.write(level(level), name, text);
    }

    private static Log.Level level(Level level) {
      switch (level) {
        case ERROR:
          return Log.Level.ERROR;
        case WARN:
          return Log.Level.WARN;
        case INFO:
          return Log.Level.INFO;
        default:
          return Log.Level.DEBUG;
      }
    }
  }
}
