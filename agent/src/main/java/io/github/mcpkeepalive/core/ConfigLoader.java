package io.github.mcpkeepalive.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds {@link Settings} from, most specific first: agent arguments ({@code key=value,…}), system
 * properties {@code mcp.keepalive.<key>}, environment {@code MCP_KEEPALIVE_<KEY>}, a JSON file
 * ({@code config=/path}, read by {@link ConfigFile} only when given), defaults. Every key and its
 * accepted values come from {@link ConfigKey}. An invalid value yields one error line naming the
 * key, the value, its source and the accepted range, and disables the agent (or, in a server entry,
 * only that entry).
 */
public final class ConfigLoader {

  /** The outcome: settings (disabled when a global value was invalid) and the lines to log. */
  public static final class Result {
    public final Settings settings;
    public final List<String> errors;
    public final List<String> warnings;

    Result(Settings settings, List<String> errors, List<String> warnings) {
      this.settings = settings;
      this.errors = List.copyOf(errors);
      this.warnings = List.copyOf(warnings);
    }
  }

  /** A value as a source gave it, and which source (named in messages). */
  static final class Value {
    final String text;
    final String source;

    Value(String text, String source) {
      this.text = text;
      this.source = source;
    }
  }

  private final List<String> errors = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  private ConfigLoader() {}

  public static Result load(
      String agentArgs, Map<String, String> sysProps, Map<String, String> env) {
    return new ConfigLoader().run(agentArgs, sysProps, env);
  }

  /** Loads from this JVM's agent arguments, system properties and environment. */
  public static Result loadFromJvm(String agentArgs) {
    Map<String, String> props = new LinkedHashMap<>();
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("mcp.keepalive.")) {
        props.put(name, System.getProperty(name));
      }
    }
    return load(agentArgs, props, System.getenv());
  }

  /**
   * Puts into {@code into} the entries of {@code from} whose name starts with {@code prefix}, by
   * the key that follows it. A loop rather than {@code forEach} with a lambda: this runs once,
   * cold, beside the application's start.
   */
  private static void prefixed(
      Map<String, String> from, String prefix, String source, Map<String, Value> into) {
    for (Map.Entry<String, String> e : from.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(prefix)) {
        into.put(normalizeKey(k.substring(prefix.length())), new Value(e.getValue(), source + k));
      }
    }
  }

  private Result run(String agentArgs, Map<String, String> sysProps, Map<String, String> env) {
    Map<String, Value> values = new LinkedHashMap<>();
    // least specific first; later puts win
    Map<String, Value> fromEnv = new LinkedHashMap<>();
    prefixed(env, "MCP_KEEPALIVE_", "environment ", fromEnv);
    Map<String, Value> fromProps = new LinkedHashMap<>();
    prefixed(sysProps, "mcp.keepalive.", "system property ", fromProps);
    Map<String, Value> fromArgs = parseAgentArgs(agentArgs);

    Value configPath = firstOf("config", fromArgs, fromProps, fromEnv);
    List<ServerEntry> servers = new ArrayList<>();
    if (configPath != null) {
      readFile(configPath, values, servers);
    }
    values.putAll(fromEnv);
    values.putAll(fromProps);
    values.putAll(fromArgs);

    for (String key : values.keySet()) {
      if (ConfigKey.named(ConfigKey.Scope.AGENT, key) == null) {
        warnings.add(
            "unknown configuration key '"
                + key
                + "' (from "
                + values.get(key).source
                + ") ignored; known keys: "
                + String.join(", ", ConfigKey.names(ConfigKey.Scope.AGENT)));
      }
    }

    boolean enabled = (Boolean) value(ConfigKey.ENABLED, values);
    long interval = (Long) value(ConfigKey.INTERVAL, values);
    long pingTimeout = (Long) value(ConfigKey.PING_TIMEOUT, values);
    int threshold = ((Long) value(ConfigKey.FAILURE_THRESHOLD, values)).intValue();
    long backoffInitial = (Long) value(ConfigKey.BACKOFF_INITIAL, values);
    long backoffMax = (Long) value(ConfigKey.BACKOFF_MAX, values);
    double jitter = (Double) value(ConfigKey.JITTER, values);
    Backoff.Jitter backoffJitter = (Backoff.Jitter) value(ConfigKey.BACKOFF_JITTER, values);
    Log.Level level = (Log.Level) value(ConfigKey.LOG_LEVEL, values);
    Log.Target target = (Log.Target) value(ConfigKey.LOG_TARGET, values);
    boolean metrics = (Boolean) value(ConfigKey.METRICS, values);
    Settings.ClassLoads classLoads =
        (Settings.ClassLoads) value(ConfigKey.WATCH_CLASS_LOADS, values);
    if (backoffMax < backoffInitial && values.containsKey(ConfigKey.BACKOFF_MAX.key)) {
      invalid(
          ConfigKey.BACKOFF_MAX.key,
          values.get(ConfigKey.BACKOFF_MAX.key),
          "at least backoff_initial (" + Settings.seconds(backoffInitial) + " s)");
    } else if (backoffMax < backoffInitial) {
      backoffMax = backoffInitial;
    }
    if (!errors.isEmpty()) {
      enabled = false;
    }
    Settings s =
        new Settings(
            enabled,
            interval,
            pingTimeout,
            threshold,
            backoffInitial,
            backoffMax,
            jitter,
            backoffJitter,
            level,
            target,
            metrics,
            classLoads,
            servers);
    return new Result(s, errors, warnings);
  }

  @SafeVarargs
  private static Value firstOf(String key, Map<String, Value>... maps) {
    for (Map<String, Value> m : maps) {
      if (m.containsKey(key)) {
        return m.get(key);
      }
    }
    return null;
  }

  static String normalizeKey(String key) {
    return key.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  private Map<String, Value> parseAgentArgs(String args) {
    Map<String, Value> out = new LinkedHashMap<>();
    if (args == null || args.isBlank()) {
      return out;
    }
    for (String part : args.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        errors.add(
            "invalid agent argument '" + part.trim() + "': expected key=value, e.g. interval=30");
        continue;
      }
      String key = normalizeKey(part.substring(0, eq));
      out.put(key, new Value(part.substring(eq + 1).trim(), "agent argument"));
    }
    return out;
  }

  private void readFile(Value pathValue, Map<String, Value> values, List<ServerEntry> servers) {
    Path path = Path.of(pathValue.text);
    ConfigFile file;
    try {
      file = ConfigFile.read(path);
    } catch (IOException | RuntimeException e) {
      errors.add(
          "cannot read config file '"
              + pathValue.text
              + "' (from "
              + pathValue.source
              + "): "
              + ConfigFile.describe(e)
              + "; expected a readable JSON file");
      return;
    }
    String source = "config file " + path.getFileName();
    for (String problem : file.problems) {
      errors.add(source + ": " + problem);
    }
    file.settings.forEach(
        (key, text) -> {
          String k = normalizeKey(key);
          if (k.equals(ConfigKey.CONFIG.key)) {
            warnings.add(source + ": key 'config' inside a config file is ignored");
          } else {
            values.put(k, new Value(text == null ? "<structured>" : text, source));
          }
        });
    for (int i = 0; i < file.servers.size(); i++) {
      ServerEntry entry = server(file.servers.get(i), source + " server #" + (i + 1));
      if (entry != null) {
        servers.add(entry);
      }
    }
  }

  /** One server entry; an invalid field disables only this entry (logged). */
  private ServerEntry server(ConfigFile.Server raw, String where) {
    String label = where + (raw.name() != null ? " '" + raw.name() + "'" : "");
    if (raw.problem() != null) {
      warnings.add(label + ": " + raw.problem() + "; entry disabled");
      return null;
    }
    ConfigFile.ServerSpec spec = raw.spec();
    if (spec.url == null || spec.url.isBlank()) {
      warnings.add(
          label
              + ": no 'url' (stdio servers have none): entry ignored, nothing to keep alive over HTTP");
      return null;
    }
    for (String field : spec.unknown.keySet()) {
      warnings.add(label + ": unknown field '" + field + "' ignored");
    }
    if (spec.headers != null && !spec.headers.isObject()) {
      warnings.add(
          label + ": 'headers' must be an object; ignored (header values are never logged)");
    }
    Object url = field(label, ConfigKey.URL, spec.url, Redact.url(spec.url));
    String typeText = spec.type != null ? spec.type : spec.transport;
    Object type = field(label, ConfigKey.TYPE, typeText, typeText);
    Object interval =
        field(label, ConfigKey.KEEPALIVE_INTERVAL, spec.keepaliveInterval, spec.keepaliveInterval);
    Object enabled = field(label, ConfigKey.SERVER_ENABLED, spec.enabled, spec.enabled);
    if (url == INVALID || type == INVALID || interval == INVALID || enabled == INVALID) {
      return null;
    }
    return new ServerEntry(
        raw.name(),
        (String) url,
        (String) type,
        (Long) interval,
        enabled == null ? true : (Boolean) enabled);
  }

  private static final Object INVALID = new Object();

  /**
   * A field of a server entry read by its key: null when absent, {@link #INVALID} (logged, as
   * {@code shown}, which never holds a secret) when given and not accepted.
   */
  private Object field(String label, ConfigKey key, String text, String shown) {
    if (text == null) {
      return null;
    }
    Object v = key.parse(text);
    if (v == null) {
      warnings.add(
          label
              + ": invalid value for '"
              + key.key
              + "': '"
              + shown
              + "', accepted: "
              + key.accepted()
              + "; entry disabled");
      return INVALID;
    }
    return v;
  }

  /** The value of an agent key: the most specific source's, else the default. */
  private Object value(ConfigKey key, Map<String, Value> values) {
    Value v = values.get(key.key);
    if (v == null) {
      return key.defaultValue();
    }
    Object parsed = key.parse(v.text);
    if (parsed == null) {
      invalid(key.key, v, key.accepted());
      return key.defaultValue();
    }
    return parsed;
  }

  private void invalid(String key, Value v, String accepted) {
    errors.add(
        "invalid value for '"
            + key
            + "' (from "
            + v.source
            + "): '"
            + v.text
            + "', accepted: "
            + accepted);
  }
}
