package io.github.mcpkeepalive.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every configuration key the agent reads, declared once: its name, where it may appear, its type
 * with the accepted range, its default and its help text. This one table drives the parsing and
 * validation of every source ({@link ConfigLoader}), the error messages, {@code --help} and the
 * README's tables ({@link #markdown}, which a test compares with the README).
 */
public enum ConfigKey {
  ENABLED(
      Scope.AGENT,
      "enabled",
      Type.BOOLEAN,
      "true",
      "`false` loads the agent but instruments nothing"),
  INTERVAL(
      Scope.AGENT,
      "interval",
      Type.seconds(5, 300),
      "300",
      "idle time (no message read) before a ping"),
  PING_TIMEOUT(
      Scope.AGENT,
      "ping_timeout",
      Type.seconds(1, 120),
      "10",
      "a ping not answered in time counts as a failure"),
  FAILURE_THRESHOLD(
      Scope.AGENT,
      "failure_threshold",
      Type.whole(1, 100),
      "3",
      "consecutive failed pings before DISCONNECTED"),
  BACKOFF_INITIAL(
      Scope.AGENT,
      "backoff_initial",
      Type.seconds(0.1, 300),
      "1",
      "first reconnect delay after a failed attempt"),
  BACKOFF_MAX(
      Scope.AGENT,
      "backoff_max",
      Type.seconds(1, 3600).and("≥ `backoff_initial`"),
      "300",
      "cap of the backoff; the retry period under 401/403"),
  JITTER(
      Scope.AGENT,
      "jitter",
      Type.decimal(0, 0.5),
      "0.1",
      "± fraction applied to ping intervals, the 401/403 retry period and"
          + " (`backoff_jitter=proportional`) backoff delays"),
  BACKOFF_JITTER(
      Scope.AGENT,
      "backoff_jitter",
      Type.choice(Backoff.Jitter.class, "proportional", "full", "decorrelated"),
      "proportional",
      "how a backoff delay is made random: the doubling delay ±`jitter`; uniform from 0 to it; or"
          + " uniform from `backoff_initial` to 3× the previous delay (both capped at"
          + " `backoff_max`)"),
  LOG_LEVEL(
      Scope.AGENT,
      "log_level",
      Type.choice(Log.Level.class, "error", "warn", "info", "debug", "off"),
      "info",
      "the agent's log level"),
  LOG_TARGET(
      Scope.AGENT,
      "log_target",
      Type.choice(Log.Target.class, "stderr", "application"),
      "stderr",
      "where the agent's lines go: standard error, or the application's own SLF4J logging (loggers"
          + " `mcp.keepalive.*`) once the application has set it up (standard error until then)"),
  METRICS(
      Scope.AGENT,
      "metrics",
      Type.BOOLEAN,
      "true",
      "publish the agent's figures to the application's OpenTelemetry or Micrometer when it has"
          + " one (see Metrics); `false`: JMX only"),
  WATCH_CLASS_LOADS(
      Scope.AGENT,
      "watch_class_loads",
      Type.choice(Settings.ClassLoads.class, "start", "always"),
      "start",
      "how long every class the JVM loads is handed to the agent, which costs each a little:"
          + " `start`: until the MCP classes of the application's class path are woven, at its"
          + " start, or without any there (a Spring Boot jar) those of the first class loader that"
          + " holds one, as it defines its first class; another loader's are then looked for 1, 2,"
          + " 4 … s apart and every 60 s,"
          + " woven when found (an MCP Java SDK client built before is taken over at its next"
          + " request, a langchain4j-mcp one is not); `always`: all the time"),
  CONFIG(
      Scope.AGENT,
      "config",
      Type.PATH,
      null,
      "a JSON file of per-server settings (below), and of any key of this table"),

  NAME(Scope.SERVER, "name", Type.TEXT, null, "labels the connection in the logs"),
  URL(
      Scope.SERVER,
      "url",
      Type.HTTP_URL,
      null,
      "the server: applies to the connections with the same scheme, host and port whose path it"
          + " prefixes (the most specific entry wins; query strings are ignored); an entry without"
          + " one (a stdio server) is skipped"),
  TYPE(
      Scope.SERVER,
      "type",
      Type.TRANSPORT,
      null,
      "when given, the entry applies only to connections of that transport (`transport` is read"
          + " as a synonym)"),
  KEEPALIVE_INTERVAL(
      Scope.SERVER,
      "keepalive_interval",
      Type.seconds(5, 300),
      null,
      "overrides `interval` for these connections"),
  SERVER_ENABLED(
      Scope.SERVER, "enabled", Type.BOOLEAN, "true", "`false` leaves these connections alone"),
  HEADERS(
      Scope.SERVER,
      "headers",
      Type.OBJECT,
      null,
      "accepted and ignored on purpose: pings go through the application's own client, which"
          + " already sends the application's headers; never logged");

  /** Where a key may appear: the agent's own settings, or a field of one server entry. */
  public enum Scope {
    AGENT,
    SERVER
  }

  public final Scope scope;
  public final String key;
  public final Type type;
  private final String defaultText;
  public final String help;

  ConfigKey(Scope scope, String key, Type type, String defaultText, String help) {
    this.scope = scope;
    this.key = key;
    this.type = type;
    this.defaultText = defaultText;
    this.help = help;
  }

  /** The key of {@code scope} named {@code name} (already normalized), or null. */
  public static ConfigKey named(Scope scope, String name) {
    for (ConfigKey k : values()) {
      if (k.scope == scope && k.key.equals(name)) {
        return k;
      }
    }
    return null;
  }

  /** The names of the keys of {@code scope}, in table order. */
  public static List<String> names(Scope scope) {
    List<String> out = new ArrayList<>();
    for (ConfigKey k : values()) {
      if (k.scope == scope) {
        out.add(k.key);
      }
    }
    return out;
  }

  /** The default value, parsed; null for a key without one. */
  public Object defaultValue() {
    return defaultText == null ? null : type.parse(defaultText);
  }

  /** The parsed value of {@code text}, or null when it is not one the key accepts. */
  public Object parse(String text) {
    return text == null ? null : type.parse(text);
  }

  /** What the key accepts, as an error message says it. */
  public String accepted() {
    return type.accepted;
  }

  /** The key's rows for the README: key, default, accepted, meaning. */
  public static String markdown(Scope scope) {
    StringBuilder b = new StringBuilder();
    b.append(
        scope == Scope.AGENT
            ? "| key | default | accepted | meaning |\n"
            : "| field | default | accepted | meaning |\n");
    b.append("|---|---|---|---|\n");
    for (ConfigKey k : values()) {
      if (k.scope == scope) {
        b.append("| `")
            .append(k.key)
            .append("` | ")
            .append(k.defaultText == null ? "–" : "`" + k.defaultText + "`" + k.type.unit)
            .append(" | ")
            .append(k.type.brief)
            .append(" | ")
            .append(k.help)
            .append(" |\n");
      }
    }
    return b.toString();
  }

  /** The keys for {@code --help}: one line each, name, accepted values, default. */
  public static String help(Scope scope) {
    StringBuilder b = new StringBuilder();
    for (ConfigKey k : values()) {
      if (k.scope == scope) {
        String name = "  " + k.key;
        b.append(name)
            .append(" ".repeat(Math.max(1, 22 - name.length())))
            .append(k.type.brief.replace("`", ""))
            .append(k.defaultText == null ? "" : "; default " + k.defaultText + k.type.unit)
            .append('\n');
      }
    }
    return b.toString();
  }

  /**
   * A key's type: how a text is read (null when it is not accepted), what an error message says it
   * accepts, and the brief form of the README's table.
   */
  public static final class Type {
    private enum Kind {
      BOOLEAN,
      TEXT,
      PATH,
      HTTP_URL,
      OBJECT,
      TRANSPORT,
      SECONDS,
      WHOLE,
      DECIMAL,
      CHOICE
    }

    static final Type BOOLEAN = new Type(Kind.BOOLEAN, "true or false", "`true`/`false`");
    static final Type TEXT = new Type(Kind.TEXT, "any text", "text");
    static final Type PATH =
        new Type(Kind.PATH, "the path of a readable JSON file", "a readable JSON file");
    static final Type HTTP_URL =
        new Type(
            Kind.HTTP_URL,
            "an absolute http:// or https:// URL",
            "an absolute `http://` or `https://` URL");
    static final Type OBJECT = new Type(Kind.OBJECT, "a JSON object", "an object");
    static final Type TRANSPORT =
        new Type(
            Kind.TRANSPORT,
            "one of sse, streamable, http, streamable-http",
            "`sse`, `streamable`, `http`, `streamable-http`");

    private final Kind kind;
    private final double min;
    private final double max;
    private final Class<? extends Enum<?>> choice; // its constants, spelled in any case
    final String accepted;
    final String brief;
    final String unit;

    private Type(
        Kind kind,
        double min,
        double max,
        Class<? extends Enum<?>> choice,
        String accepted,
        String brief,
        String unit) {
      this.kind = kind;
      this.min = min;
      this.max = max;
      this.choice = choice;
      this.accepted = accepted;
      this.brief = brief;
      this.unit = unit;
    }

    private Type(Kind kind, String accepted, String brief) {
      this(kind, 0, 0, null, accepted, brief, "");
    }

    Object parse(String text) {
      try {
        switch (kind) {
          case BOOLEAN:
            return bool(text);
          case TEXT:
          case OBJECT:
            return text;
          case PATH:
            return text.isBlank() ? null : text.trim();
          case HTTP_URL:
            return httpUrl(text);
          case TRANSPORT:
            String t = ServerEntry.normalizeType(text);
            return t.equals("sse") || t.equals("streamable") ? t : null;
          case SECONDS:
            Double s = durationSeconds(text);
            return s == null || s < min || s > max ? null : (Object) (long) (s * 1e9);
          case WHOLE:
            long n = Long.parseLong(text.trim());
            return n < min || n > max ? null : (Object) n;
          case DECIMAL:
            Double d = number(text);
            return d == null || d < min || d > max ? null : d;
          default:
            for (Enum<?> e : choice.getEnumConstants()) {
              if (e.name().equalsIgnoreCase(text.trim())) {
                return e;
              }
            }
            return null;
        }
      } catch (RuntimeException e) {
        return null;
      }
    }

    /** The same type with a further condition, checked elsewhere, told in the README. */
    Type and(String condition) {
      return new Type(kind, min, max, choice, accepted, brief + ", " + condition, unit);
    }

    /** A duration, read as nanoseconds: {@code 30}, {@code 30s}, {@code 500ms}, {@code 2m}. */
    static Type seconds(double min, double max) {
      return new Type(
          Kind.SECONDS,
          min,
          max,
          null,
          number(min)
              + " to "
              + number(max)
              + " seconds (a number of seconds, or with a unit: 500ms, 30s, 2m)",
          number(min) + "–" + number(max) + " s",
          " s");
    }

    static Type whole(long min, long max) {
      return new Type(
          Kind.WHOLE,
          min,
          max,
          null,
          "a whole number from " + min + " to " + max,
          min + "–" + max,
          "");
    }

    static Type decimal(double min, double max) {
      return new Type(
          Kind.DECIMAL,
          min,
          max,
          null,
          "a number from " + number(min) + " to " + number(max),
          number(min) + "–" + number(max),
          "");
    }

    /** One of the constants of {@code type}, spelled as {@code names} (the README lists them). */
    static Type choice(Class<? extends Enum<?>> type, String... names) {
      StringBuilder brief = new StringBuilder();
      for (String n : names) {
        brief.append(brief.length() == 0 ? "" : ", ").append('`').append(n).append('`');
      }
      return new Type(
          Kind.CHOICE, 0, 0, type, "one of " + String.join(", ", names), brief.toString(), "");
    }
  }

  private static Boolean bool(String text) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true":
      case "yes":
      case "on":
      case "1":
        return true;
      case "false":
      case "no":
      case "off":
      case "0":
        return false;
      default:
        return null;
    }
  }

  private static String httpUrl(String text) {
    java.net.URI u = java.net.URI.create(text.trim());
    boolean http = "http".equals(u.getScheme()) || "https".equals(u.getScheme());
    return http && u.getHost() != null ? text.trim() : null;
  }

  static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  static Double number(String text) {
    try {
      double d = Double.parseDouble(text.trim());
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** "30", "30s", "500ms", "2m" → seconds; null when unreadable. */
  static Double durationSeconds(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    double factor = 1;
    if (t.endsWith("ms")) {
      factor = 0.001;
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      factor = 60;
      t = t.substring(0, t.length() - 1);
    }
    Double d = number(t);
    return d == null ? null : d * factor;
  }
}
