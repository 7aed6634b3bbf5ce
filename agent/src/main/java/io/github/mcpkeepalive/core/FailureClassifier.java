package io.github.mcpkeepalive.core;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells what kind of failure a throwable is, from class names and messages along its whole cause
 * chain. It knows no client library's types, only the names and texts they are known to use
 * (java.net.http, OkHttp, Reactor Netty, the MCP Java SDK, langchain4j).
 */
public final class FailureClassifier {

  private static final int MAX_DEPTH = 32;

  /** Spring's WebClient: "404 Not Found from POST http://host/mcp". */
  private static final Pattern SPRING_STATUS =
      Pattern.compile("^([1-5][0-9]{2}) [A-Za-z][A-Za-z -]* from [A-Z]+ [a-z][a-z0-9+.-]*://");

  private static final Pattern STATUS =
      Pattern.compile(
          "(?i)(?:status(?: code)?|http(?: code)?|code|response|stream)[^0-9]{0,20}\\b([1-5][0-9]{2})\\b");

  private FailureClassifier() {}

  /**
   * Whether {@code failure} proves that the request never reached the server: a link of its cause
   * chain is a failure to connect at all (refused, no route, unknown host), and none is an answer
   * of the server (an MCP error, whose message may quote any text). Decided by type, never by
   * message.
   */
  public static boolean neverSent(Throwable failure) {
    boolean connectFailed = false;
    for (Throwable t : chain(failure)) {
      if (isMcpError(t)) {
        return false;
      }
      connectFailed |=
          t instanceof java.net.ConnectException
              || t instanceof java.net.UnknownHostException
              || t instanceof java.net.NoRouteToHostException
              || t instanceof java.nio.channels.UnresolvedAddressException;
    }
    return connectFailed;
  }

  /**
   * Whether {@code failure} proves that the server did not process the request, so that it may go
   * out again: it never reached the server ({@link #neverSent}), or the server, or a proxy before
   * it, answered HTTP 503 ({@link #unavailable}).
   */
  public static boolean notProcessed(Throwable failure) {
    return neverSent(failure) || unavailable(failure);
  }

  /**
   * Whether a link of {@code failure}'s cause chain is a transport's report of an HTTP 503 answer
   * ("Service Unavailable": the server did not handle the request, as during a restart behind a
   * proxy), and none is an answer of the MCP server (an MCP error, whose message may quote any
   * text).
   */
  public static boolean unavailable(Throwable failure) {
    boolean status503 = false;
    for (Throwable t : chain(failure)) {
      if (isMcpError(t)) {
        return false;
      }
      status503 |= t.getMessage() != null && httpStatus(t.getMessage()) == 503;
    }
    return status503;
  }

  /** An answer of the MCP server (the SDK's {@code McpError}), whatever its message quotes. */
  private static boolean isMcpError(Throwable t) {
    return t.getClass().getSimpleName().equals("McpError");
  }

  /**
   * {@code failure} and its causes, outermost first, each once (a cause chain can loop), at most
   * {@link #MAX_DEPTH} of them.
   */
  static List<Throwable> chain(Throwable failure) {
    List<Throwable> links = new ArrayList<>();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = failure;
        t != null && links.size() < MAX_DEPTH && seen.put(t, Boolean.TRUE) == null;
        t = t.getCause()) {
      links.add(t);
    }
    return links;
  }

  /** Classifies a failure; {@code sessionIdSent} makes a 400 mean an expired session. */
  public static FailureKind classify(Throwable failure, boolean sessionIdSent) {
    if (failure == null) {
      return FailureKind.OTHER;
    }
    FailureKind found = null;
    for (Throwable t : chain(failure)) {
      FailureKind kind = classifyOne(t, sessionIdSent);
      if (kind != null && (found == null || priority(kind) > priority(found))) {
        found = kind;
      }
    }
    return found == null ? FailureKind.OTHER : found;
  }

  /** Higher wins when several links of the chain say different things. */
  private static int priority(FailureKind kind) {
    switch (kind) {
      case AUTH:
        return 6;
      case SESSION_EXPIRED:
        return 5;
      case UNREACHABLE:
        return 4;
      case RESET:
        return 3;
      case PEER_CLOSED:
        return 2;
      case TIMEOUT:
        return 1;
      default:
        return 0;
    }
  }

  private static FailureKind classifyOne(Throwable t, boolean sessionIdSent) {
    String type = t.getClass().getName();
    String simple = t.getClass().getSimpleName();
    String msg = t.getMessage() == null ? "" : t.getMessage();
    String lower = msg.toLowerCase(Locale.ROOT);

    if (simple.contains("SessionNotFound")
        || lower.contains("session with server terminated")
        || lower.contains("session not found")
        || lower.contains("unknown session")
        || lower.contains("invalid session")) {
      return FailureKind.SESSION_EXPIRED;
    }
    if (simple.contains("Authorization")
        || simple.contains("Unauthorized")
        || simple.equals("Forbidden")) {
      return FailureKind.AUTH;
    }
    int status = httpStatus(msg);
    if (status == 401 || status == 403) {
      return FailureKind.AUTH;
    }
    if (status == 404 || (status == 400 && sessionIdSent)) {
      return FailureKind.SESSION_EXPIRED;
    }
    if (type.equals("java.net.ConnectException")
        || type.equals("java.net.UnknownHostException")
        || type.equals("java.net.NoRouteToHostException")
        || type.equals("java.nio.channels.UnresolvedAddressException")
        || lower.contains("connection refused")) {
      return FailureKind.UNREACHABLE;
    }
    if (lower.contains("connection reset")
        || simple.equals("StreamResetException")
        || lower.contains("broken pipe")
        || lower.contains("rst_stream")) {
      return FailureKind.RESET;
    }
    if (type.equals("java.io.EOFException")
        || simple.equals("PrematureCloseException")
        || lower.contains("eof reached")
        || lower.contains("chunked transfer encoding")
        || lower.contains("header parser received no bytes")
        || lower.contains("unexpected end of stream")
        || lower.contains("peer closed")
        || lower.contains("connection closed")
        || lower.contains("prematurely closed")
        || lower.contains("stream closed")
        || lower.contains("closed before")
        || lower.contains("goaway")) {
      return FailureKind.PEER_CLOSED;
    }
    if (t instanceof java.util.concurrent.TimeoutException
        || simple.endsWith("TimeoutException")
        || lower.contains("timed out")
        || lower.contains("timeout")
        || lower.contains("did not observe any item or terminal signal")) {
      return FailureKind.TIMEOUT;
    }
    return null;
  }

  /**
   * Whether a failure says that the client's own I/O resources were shut down: the application is
   * stopping (a Spring Boot 3.5 application stops Reactor Netty's event loops before it closes its
   * MCP clients). No reconnect can succeed then, and none should be tried. A scheduler that is
   * merely full is no shutdown.
   */
  public static boolean clientShutDown(Throwable failure) {
    for (Throwable t : chain(failure)) {
      String lower = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (lower.contains("executor not accepting a task")
          || lower.contains("event executor terminated")
          || (t instanceof java.util.concurrent.RejectedExecutionException
              && lower.contains("scheduler unavailable")
              && t.getCause() == null)) { // a disposed scheduler; a full one names its cause
        return true;
      }
    }
    return false;
  }

  /** An HTTP status code named in a message ("status 404", "HTTP code: 401"), or -1. */
  public static int httpStatus(String message) {
    if (message == null) {
      return -1;
    }
    Matcher spring = SPRING_STATUS.matcher(message);
    if (spring.find()) {
      return Integer.parseInt(spring.group(1));
    }
    Matcher m = STATUS.matcher(message);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** The deepest cause that carries a message, for a short log line. */
  static Throwable mostTelling(Throwable t) {
    Throwable best = t;
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable c = t; c != null && seen.put(c, Boolean.TRUE) == null; c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        best = c;
      }
    }
    return best;
  }
}
