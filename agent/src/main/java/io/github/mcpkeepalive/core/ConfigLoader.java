package io.github.mcpkeepalive.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds {@link Settings} from, most specific first: agent arguments ({@code key=value,…}), system
 * properties {@code mcp.keepalive.<key>}, environment {@code MCP_KEEPALIVE_<KEY>}, a JSON file
 * ({@code config=/path}), defaults. An invalid value yields one error line naming the key, the
 * value and the accepted range, and disables the agent (or only the offending server entry).
 */
public final class ConfigLoader {

  public static final Set<String> KEYS =
      Set.of(
          "enabled",
          "interval",
          "ping_timeout",
          "failure_threshold",
          "backoff_initial",
          "backoff_max",
          "jitter",
          "backoff_jitter",
          "log_level",
          "config");

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

  private static final class Value {
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

  private Result run(String agentArgs, Map<String, String> sysProps, Map<String, String> env) {
    Map<String, Value> values = new LinkedHashMap<>();
    // least specific first; later puts win
    Map<String, Value> fromEnv = new LinkedHashMap<>();
    env.forEach(
        (k, v) -> {
          if (k.startsWith("MCP_KEEPALIVE_")) {
            fromEnv.put(
                normalizeKey(k.substring("MCP_KEEPALIVE_".length())),
                new Value(v, "environment " + k));
          }
        });
    Map<String, Value> fromProps = new LinkedHashMap<>();
    sysProps.forEach(
        (k, v) -> {
          if (k.startsWith("mcp.keepalive.")) {
            fromProps.put(
                normalizeKey(k.substring("mcp.keepalive.".length())),
                new Value(v, "system property " + k));
          }
        });
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
      if (!KEYS.contains(key)) {
        warnings.add(
            "unknown configuration key '"
                + key
                + "' (from "
                + values.get(key).source
                + ") ignored; known keys: "
                + String.join(", ", new java.util.TreeSet<>(KEYS)));
      }
    }

    Settings d = Settings.defaults();
    boolean enabled = bool(values.get("enabled"), "enabled", true);
    long interval = seconds(values.get("interval"), "interval", 5, 300, d.intervalNanos);
    long pingTimeout =
        seconds(values.get("ping_timeout"), "ping_timeout", 1, 120, d.pingTimeoutNanos);
    int threshold =
        (int)
            integer(
                values.get("failure_threshold"), "failure_threshold", 1, 100, d.failureThreshold);
    long backoffInitial =
        seconds(values.get("backoff_initial"), "backoff_initial", 0.1, 300, d.backoffInitialNanos);
    long backoffMax = seconds(values.get("backoff_max"), "backoff_max", 1, 3600, d.backoffMaxNanos);
    double jitter = decimal(values.get("jitter"), "jitter", 0, 0.5, d.jitter);
    Backoff.Jitter backoffJitter =
        choice(
            values.get("backoff_jitter"),
            "backoff_jitter",
            Backoff.Jitter::parse,
            "one of proportional, full, decorrelated",
            d.backoffJitter);
    Log.Level level =
        choice(
            values.get("log_level"),
            "log_level",
            Log.Level::parse,
            "one of debug, info, warn, error, off",
            d.logLevel);
    if (backoffMax < backoffInitial && values.containsKey("backoff_max")) {
      invalid(
          "backoff_max",
          values.get("backoff_max"),
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
    Object root;
    try {
      root = Json.parse(Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      errors.add(
          "cannot read config file '"
              + pathValue.text
              + "' (from "
              + pathValue.source
              + "): "
              + Redact.error(e)
              + "; expected a readable JSON file");
      return;
    }
    String source = "config file " + path.getFileName();
    List<Object> rawServers = new ArrayList<>();
    if (root instanceof List) {
      rawServers.addAll((List<?>) root);
    } else if (root instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) root;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        Object v = e.getValue();
        if (key.equals("servers")) {
          if (v instanceof List) {
            rawServers.addAll((List<?>) v);
          } else {
            errors.add(source + ": 'servers' must be an array of server objects");
          }
        } else if (key.equals("mcpServers")) {
          if (v instanceof Map) {
            for (Map.Entry<?, ?> s : ((Map<?, ?>) v).entrySet()) {
              if (s.getValue() instanceof Map) {
                Map<String, Object> withName = new LinkedHashMap<>();
                withName.put("name", String.valueOf(s.getKey()));
                for (Map.Entry<?, ?> f : ((Map<?, ?>) s.getValue()).entrySet()) {
                  withName.put(String.valueOf(f.getKey()), f.getValue());
                }
                rawServers.add(withName);
              } else {
                errors.add(source + ": mcpServers." + s.getKey() + " must be an object");
              }
            }
          } else {
            errors.add(source + ": 'mcpServers' must be an object of name → server");
          }
        } else if (key.equals("config")) {
          warnings.add(source + ": key 'config' inside a config file is ignored");
        } else if (v instanceof Map || v instanceof List) {
          values.put(normalizeKey(key), new Value("<structured>", source));
        } else {
          values.put(normalizeKey(key), new Value(String.valueOf(v), source));
        }
      }
    } else {
      errors.add(
          source
              + ": expected a JSON array of servers or an object with 'servers' or 'mcpServers'");
    }
    for (int i = 0; i < rawServers.size(); i++) {
      ServerEntry entry = server(rawServers.get(i), source, i);
      if (entry != null) {
        servers.add(entry);
      }
    }
  }

  /** One server entry; an invalid field disables only this entry (logged). */
  private ServerEntry server(Object raw, String source, int index) {
    if (!(raw instanceof Map)) {
      errors.add(source + ": server #" + (index + 1) + " must be an object");
      return null;
    }
    Map<?, ?> m = (Map<?, ?>) raw;
    String label =
        source
            + " server #"
            + (index + 1)
            + (m.get("name") != null ? " '" + m.get("name") + "'" : "");
    Object url = m.get("url");
    if (!(url instanceof String) || ((String) url).isBlank()) {
      warnings.add(
          label
              + ": no 'url' (stdio servers have none): entry ignored, nothing to keep alive over HTTP");
      return null;
    }
    try {
      java.net.URI u = java.net.URI.create(((String) url).trim());
      if (u.getScheme() == null
          || u.getHost() == null
          || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
        throw new IllegalArgumentException("not http(s)");
      }
    } catch (IllegalArgumentException e) {
      warnings.add(
          label
              + ": invalid value for 'url': '"
              + Redact.url((String) url)
              + "', accepted: an absolute http:// or https:// URL; entry disabled");
      return null;
    }
    for (Object k : m.keySet()) {
      if (!Set.of(
              "name",
              "url",
              "type",
              "keepalive_interval",
              "headers",
              "enabled",
              "transport",
              "command",
              "args",
              "env")
          .contains(String.valueOf(k))) {
        warnings.add(label + ": unknown field '" + k + "' ignored");
      }
    }
    Object typeRaw = m.containsKey("type") ? m.get("type") : m.get("transport");
    String type = null;
    if (typeRaw != null) {
      type = ServerEntry.normalizeType(String.valueOf(typeRaw));
      if (!type.equals("sse") && !type.equals("streamable")) {
        warnings.add(
            label
                + ": invalid value for 'type': '"
                + typeRaw
                + "', accepted: sse, streamable (also http, streamable-http); entry disabled");
        return null;
      }
    }
    Long interval = null;
    Object iv = m.get("keepalive_interval");
    if (iv != null) {
      Double s = durationSeconds(String.valueOf(iv));
      if (s == null || s < 5 || s > 300) {
        warnings.add(
            label
                + ": invalid value for 'keepalive_interval': '"
                + iv
                + "', accepted: 5 to 300 seconds (30, \"30s\", \"2m\"); entry disabled");
        return null;
      }
      interval = (long) (s * 1e9);
    }
    boolean enabled = true;
    Object en = m.get("enabled");
    if (en != null) {
      if (en instanceof Boolean) {
        enabled = (Boolean) en;
      } else if ("true".equalsIgnoreCase(String.valueOf(en))
          || "false".equalsIgnoreCase(String.valueOf(en))) {
        enabled = Boolean.parseBoolean(String.valueOf(en));
      } else {
        warnings.add(
            label
                + ": invalid value for 'enabled': '"
                + en
                + "', accepted: true or false; entry disabled");
        return null;
      }
    }
    Object headers = m.get("headers");
    if (headers != null && !(headers instanceof Map)) {
      warnings.add(
          label + ": 'headers' must be an object; ignored (header values are never logged)");
    }
    Object name = m.get("name");
    return new ServerEntry(
        name == null ? null : String.valueOf(name), ((String) url).trim(), type, interval, enabled);
  }

  /** One of a fixed set of names, parsed by {@code parse} (null for none of them). */
  private <T> T choice(
      Value v, String key, java.util.function.Function<String, T> parse, String accepted, T dflt) {
    if (v == null) {
      return dflt;
    }
    T parsed = parse.apply(v.text);
    if (parsed == null) {
      invalid(key, v, accepted);
      return dflt;
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

  private boolean bool(Value v, String key, boolean dflt) {
    if (v == null) {
      return dflt;
    }
    String t = v.text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("true") || t.equals("yes") || t.equals("on") || t.equals("1")) {
      return true;
    }
    if (t.equals("false") || t.equals("no") || t.equals("off") || t.equals("0")) {
      return false;
    }
    invalid(key, v, "true or false");
    return dflt;
  }

  private long seconds(Value v, String key, double min, double max, long dflt) {
    if (v == null) {
      return dflt;
    }
    Double s = durationSeconds(v.text);
    if (s == null || s < min || s > max) {
      invalid(
          key,
          v,
          fmt(min)
              + " to "
              + fmt(max)
              + " seconds (a number of seconds, or with a unit: 500ms, 30s, 2m)");
      return dflt;
    }
    return (long) (s * 1e9);
  }

  private long integer(Value v, String key, long min, long max, long dflt) {
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.text.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    invalid(key, v, "a whole number from " + min + " to " + max);
    return dflt;
  }

  private double decimal(Value v, String key, double min, double max, double dflt) {
    if (v == null) {
      return dflt;
    }
    Double d = number(v.text);
    if (d == null || d < min || d > max) {
      invalid(key, v, "a number from " + fmt(min) + " to " + fmt(max));
      return dflt;
    }
    return d;
  }

  private static String fmt(double d) {
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
