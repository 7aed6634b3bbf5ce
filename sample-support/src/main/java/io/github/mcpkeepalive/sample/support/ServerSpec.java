package io.github.mcpkeepalive.sample.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One server a sample application talks to: {@code
 * name=a,url=http://host:port/sse,transport=sse[,token=T]}. The transport is {@code sse} or {@code
 * streamable}; without one, a URL ending in {@code /sse} means legacy SSE.
 */
public record ServerSpec(String name, String url, String transport, String token) {

  /** Reads the command-line form. */
  public static ServerSpec parse(String text) {
    String name = null;
    String url = null;
    String transport = null;
    String token = null;
    for (String part : text.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        url = part.trim();
        continue;
      }
      String k = part.substring(0, eq).trim();
      String v = part.substring(eq + 1).trim();
      switch (k) {
        case "name" -> name = v;
        case "url" -> url = v;
        case "transport", "type" -> transport = v;
        case "token" -> token = v;
        default ->
            throw new IllegalArgumentException(
                "unknown server field '" + k + "' (name, url, transport, token)");
      }
    }
    return of(name, url, transport, token);
  }

  /**
   * Reads one entry of a JSON configuration: {@code {"name","url","transport" or "type","token"}}.
   */
  /**
   * The servers of a configuration file, parsed by the application's own JSON library: {@code
   * [{"name","url","transport","token"}]} or {@code {"servers":[…]}}.
   */
  public static List<ServerSpec> fromJson(Object root) {
    List<?> list =
        root instanceof Map ? (List<?>) ((Map<?, ?>) root).get("servers") : (List<?>) root;
    List<ServerSpec> out = new ArrayList<>();
    for (Object o : list) {
      out.add(fromMap((Map<?, ?>) o));
    }
    return out;
  }

  public static ServerSpec fromMap(Map<?, ?> m) {
    Object transport = m.get("transport") != null ? m.get("transport") : m.get("type");
    return of(
        (String) m.get("name"), (String) m.get("url"), (String) transport, (String) m.get("token"));
  }

  static ServerSpec of(String name, String url, String transport, String token) {
    if (url == null) {
      throw new IllegalArgumentException("server without url");
    }
    String t =
        transport == null
            ? (url.endsWith("/sse") ? "sse" : "streamable")
            : transport.toLowerCase(Locale.ROOT);
    if (!t.equals("sse")) {
      t = "streamable";
    }
    return new ServerSpec(name == null ? t : name, url, t, token);
  }
}
