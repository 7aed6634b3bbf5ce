package io.github.mcpkeepalive.core;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Removes what could hold a secret before anything reaches a log line or an MBean: URL user info,
 * query strings and fragments, bearer tokens, credential-looking key/value pairs and response
 * bodies in free text.
 */
public final class Redact {

  private static final Pattern URL_QUERY =
      Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s?#\"']*)[?#][^\\s\"']*");

  /**
   * A path with a query but no scheme, as in an SSE {@code endpoint} event: "/message?sessionId=…".
   */
  private static final Pattern PATH_QUERY =
      Pattern.compile("((?<![\\w/:])/[^\\s?#\"']*)\\?[^\\s\"'\\]),}]*");

  private static final Pattern URL_USERINFO =
      Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\\s@]+@");
  private static final Pattern BEARER =
      Pattern.compile("(?i)\\b(bearer|basic|token)\\s+[A-Za-z0-9._~+/=-]+");
  private static final Pattern SECRET_PAIR =
      Pattern.compile(
          "(?i)\\b(authorization|api[-_]?key|access[-_]?token|token|secret|password|sessionid|session_id|mcp-session-id)(\\s*[=:]\\s*)[^\\s,;&\"'}]+");

  /**
   * A body in free text: "response body: …", or the "data=…" of an SDK response event's toString.
   */
  private static final Pattern RESPONSE_BODY =
      Pattern.compile("(?i)\\b(response body|body|data)(\\s*[:=]\\s*)\\S.*$");

  /** A status code followed by what the server answered: "… HTTP code: 404 - {…}". */
  private static final Pattern STATUS_BODY = Pattern.compile("(\\b\\d{3})\\s+-\\s+\\S.*$");

  private static final int MAX_MESSAGE = 300;

  private Redact() {}

  /** A URL with no user info, query or fragment; {@code "<invalid url>"} when it cannot be read. */
  public static String url(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "<none>";
    }
    try {
      URI uri = URI.create(raw.trim());
      if (uri.getScheme() == null || uri.getRawAuthority() == null) {
        return stripQuery(raw);
      }
      String host =
          uri.getHost() != null ? uri.getHost() : uri.getRawAuthority().replaceAll(".*@", "");
      StringBuilder sb = new StringBuilder().append(uri.getScheme()).append("://").append(host);
      if (uri.getPort() >= 0) {
        sb.append(':').append(uri.getPort());
      }
      if (uri.getRawPath() != null) {
        sb.append(uri.getRawPath());
      }
      return sb.toString();
    } catch (IllegalArgumentException e) {
      return stripQuery(raw);
    }
  }

  private static String stripQuery(String raw) {
    int cut = raw.length();
    int q = raw.indexOf('?');
    int h = raw.indexOf('#');
    if (q >= 0) {
      cut = q;
    }
    if (h >= 0 && h < cut) {
      cut = h;
    }
    return raw.substring(0, cut);
  }

  /** Free text (an exception message, say) with URLs, tokens and credential pairs masked. */
  public static String text(String raw) {
    if (raw == null) {
      return "";
    }
    String s = URL_USERINFO.matcher(raw).replaceAll("$1");
    s = URL_QUERY.matcher(s).replaceAll("$1?<redacted>");
    s = PATH_QUERY.matcher(s).replaceAll("$1?<redacted>");
    s = BEARER.matcher(s).replaceAll("$1 <redacted>");
    s = SECRET_PAIR.matcher(s).replaceAll("$1$2<redacted>");
    s = Log.oneLine(s);
    s = RESPONSE_BODY.matcher(s).replaceAll("$1$2<omitted>"); // a body can echo anything
    s = STATUS_BODY.matcher(s).replaceAll("$1 - <body omitted>");
    return s.length() > MAX_MESSAGE ? s.substring(0, MAX_MESSAGE) + "…" : s;
  }

  /** {@code SimpleName: redacted message} of a throwable's most telling cause. */
  public static String error(Throwable t) {
    if (t == null) {
      return "none";
    }
    Throwable root = FailureClassifier.mostTelling(t);
    String msg = root.getMessage();
    return root.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : ": " + text(msg));
  }
}
