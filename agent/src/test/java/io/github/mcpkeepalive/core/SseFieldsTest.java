package io.github.mcpkeepalive.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseFieldsTest {

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsTheLastIdAndRetryOfAStreamSplitAnywhere() {
    String stream =
        ": comment\r\nid: event-1\r\nretry: 500\r\ndata: \r\n\r\n"
            + "event: message\nid:event-2\ndata: {\"jsonrpc\":\"2.0\"}\n\nretry:750\rid: é-3\r\r";
    for (int cut = 0; cut <= stream.length(); cut++) {
      SseFields f = new SseFields();
      f.feed(bytes(stream.substring(0, cut)));
      f.feed(bytes(stream.substring(cut)));
      assertEquals("é-3", f.lastId(), "cut at " + cut);
      assertEquals(750, f.retryMillis(), "cut at " + cut);
    }
  }

  @Test
  void leavesTheBufferAsItWasAndSkipsWhatIsNoField() {
    SseFields f = new SseFields();
    ByteBuffer b = bytes("??xid: no\ndata: id: no\nretry: soon\n");
    b.position(2);
    f.feed(b);
    assertEquals(2, b.position(), "position untouched");
    assertNull(f.lastId(), "'id:' inside data, or after a prefix, is no id");
    assertEquals(-1, f.retryMillis(), "no valid retry");
    f.feed(bytes("id: " + "x".repeat(SseFields.MAX_LINE) + "\nid: short\n\n"));
    assertEquals("short", f.lastId(), "an overlong line is dropped, the next one read");
    f.feed(bytes("id: a\0b\n\n"));
    assertEquals("short", f.lastId(), "an id with NUL is ignored");
    f.feed(bytes("id:\n\n"));
    assertNull(f.lastId(), "an empty id resets it: nothing to resume from");
  }

  /**
   * The SSE standard's last event ID: an id is received with its event, at the blank line that ends
   * it, and stays until a later event's. A stream cut after an event's {@code id:} line and before
   * its end resumes from the event before, so the server sends the cut event again.
   */
  @Test
  void anIdCountsOnceItsEventIsComplete() {
    SseFields f = new SseFields();
    f.feed(bytes("id: 7\ndata: \n"));
    assertNull(f.lastId(), "the event is not complete yet");
    f.feed(bytes("\n"));
    assertEquals("7", f.lastId());
    f.feed(bytes("event: message\ndata: {}\n\n"));
    assertEquals("7", f.lastId(), "an event without an id keeps the last one");
    f.feed(bytes("id: 8\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"res"));
    assertEquals("7", f.lastId(), "cut inside event 8: received up to 7");
    f.feed(bytes("ult\":{}}\r\n\r\n"));
    assertEquals("8", f.lastId());
  }

  /**
   * The SSE rule: a retry value of ASCII digits only sets the delay; any other value is ignored,
   * and the last valid one stays. One leading space belongs to the syntax, a second to the value.
   */
  @Test
  void keepsARetryOfAsciiDigitsOnly() {
    SseFields f = new SseFields();
    f.feed(bytes("retry: 007\n"));
    assertEquals(7, f.retryMillis());
    for (String value :
        new String[] {"-5", "+5", "5 ", " 5", "5.0", "1e3", "0x10", "\u0661\u0665", "\uFF15"}) {
      f.feed(bytes("retry: " + value + "\n"));
      assertEquals(7, f.retryMillis(), "'" + value + "' is no delay");
    }
    f.feed(bytes("retry:0\n"));
    assertEquals(0, f.retryMillis());
  }

  /**
   * A delay of ASCII digits too long for a long (or for any sensible wait) is still the server's
   * wish to be left alone a long time: the longest delay, which the reader of it bounds, never the
   * default of a stream that sent none.
   */
  @Test
  void readsAHugeRetryAsTheLongestDelay() {
    SseFields f = new SseFields();
    f.feed(bytes("retry: 999999999\n"));
    assertEquals(999_999_999L, f.retryMillis());
    f.feed(bytes("retry: 12345678901\n"));
    assertEquals(12_345_678_901L, f.retryMillis());
    f.feed(bytes("retry: " + "9".repeat(400) + "\n"));
    assertEquals(Long.MAX_VALUE, f.retryMillis());
  }
}
