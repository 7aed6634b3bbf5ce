package io.github.mcpkeepalive.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads, beside the library's own parser, the two fields of a server-sent event stream that a
 * resumption needs and that the MCP Java SDK's parser drops or skips: the last event {@code id}
 * (also of events with no data, the "priming" events of MCP 2025-11-25) and the {@code retry}
 * delay. Bytes are read with absolute gets, so the buffers the library reads are untouched; lines
 * longer than {@value #MAX_LINE} bytes are not fields this reader keeps. Fed by one thread at a
 * time (a response body's subscriber); read from any.
 *
 * <p>An id counts once its event is complete (the blank line that dispatches it), as the SSE
 * standard keeps the "last event ID" of an event source: a stream cut inside an event (after its
 * {@code id:} line, before its end) was not received up to that id, and resuming from it would ask
 * the server to skip the very event that was lost.
 */
public final class SseFields {

  static final int MAX_LINE = 512;

  private final byte[] line = new byte[MAX_LINE];
  private int length;
  private boolean overlong;
  private boolean afterCr;
  private String idBuffer; // the id of the event being read, not yet dispatched
  private volatile String lastId;
  private volatile long retryMillis = -1;

  /** Reads the readable bytes of {@code buffer} without moving its position. */
  public void feed(ByteBuffer buffer) {
    for (int i = buffer.position(), end = buffer.limit(); i < end; i++) {
      byte b = buffer.get(i);
      if (b == '\n' && afterCr) {
        afterCr = false; // the \n of a \r\n
        continue;
      }
      afterCr = b == '\r';
      if (b == '\n' || b == '\r') {
        endOfLine();
      } else if (length < MAX_LINE) {
        line[length++] = b;
      } else {
        overlong = true;
      }
    }
  }

  private void endOfLine() {
    if (length == 0) {
      lastId = idBuffer; // a blank line dispatches the event: its id is now the last one received
    } else if (!overlong) {
      if (startsWith("id:")) {
        String id = value(3);
        if (id.indexOf('\0') < 0) {
          idBuffer = id.isEmpty() ? null : id; // an id with NUL is ignored; an empty one resets it
        }
      } else if (startsWith("retry:")) {
        String v = value(6);
        if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
          // ASCII digits only, as the SSE rule says (Character.isDigit takes any script's); a
          // number too long for a long is the longest delay, which the reader bounds, not none
          retryMillis = v.length() > 18 ? Long.MAX_VALUE : Long.parseLong(v);
        }
      }
    }
    length = 0;
    overlong = false;
  }

  private boolean startsWith(String field) {
    if (length < field.length()) {
      return false;
    }
    for (int i = 0; i < field.length(); i++) {
      if (line[i] != field.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private String value(int from) {
    int start = from < length && line[from] == ' ' ? from + 1 : from; // one leading space only
    return new String(line, start, length - start, StandardCharsets.UTF_8);
  }

  /**
   * The id of the last complete event, carried over from earlier events as the SSE standard does
   * (the last {@code id:} line read before the blank line that ended an event), or null.
   */
  public String lastId() {
    return lastId;
  }

  /**
   * The last valid {@code retry:} value read in milliseconds ({@link Long#MAX_VALUE} for one too
   * large for a long), or -1.
   */
  public long retryMillis() {
    return retryMillis;
  }
}
