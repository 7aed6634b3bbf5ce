package io.github.mcpkeepalive.core;

import java.io.IOException;
import java.util.concurrent.CompletionException;

/**
 * What the libraries' hooks share about a request held for a reconnect attempt (on-demand recovery,
 * the resend rule): the failure the application sees when that attempt does not restore the
 * connection.
 */
public final class HeldRequests {

  private HeldRequests() {}

  /** The cause a {@link CompletionException} wraps, else {@code t}. */
  public static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  /**
   * The failure of a held request whose attempt failed with {@code err} ({@code attemptDone}), or
   * did not finish within {@code timeout} (its name, for the message); {@code suffix} ends it.
   */
  public static IOException attemptFailed(
      boolean attemptDone, Throwable err, String timeout, String suffix) {
    Throwable cause = unwrap(err);
    return new IOException(
        "the connection to the MCP server is down and the reconnect attempt made for this request "
            + (attemptDone ? "failed: " + Redact.error(cause) : "did not finish within " + timeout)
            + suffix,
        cause);
  }
}
