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
    ByteBuffer b = bytes("??xid: no\ndata: id: no\nretry: soon\nretry: 12345678901\n");
    b.position(2);
    f.feed(b);
    assertEquals(2, b.position(), "position untouched");
    assertNull(f.lastId(), "'id:' inside data, or after a prefix, is no id");
    assertEquals(-1, f.retryMillis(), "no valid retry");
    f.feed(bytes("id: " + "x".repeat(SseFields.MAX_LINE) + "\nid: short\n"));
    assertEquals("short", f.lastId(), "an overlong line is dropped, the next one read");
    f.feed(bytes("id: a\0b\n"));
    assertEquals("short", f.lastId(), "an id with NUL is ignored");
    f.feed(bytes("id:\n"));
    assertNull(f.lastId(), "an empty id resets it: nothing to resume from");
  }
}
