package io.github.mcpkeepalive.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class RedactTest {

  @Test
  void urlsLoseUserInfoQueryAndFragment() {
    assertEquals(
        "https://mcp.example.com:8443/mcp",
        Redact.url("https://user:pw@mcp.example.com:8443/mcp?api_key=abc#frag"));
    assertEquals("http://h/sse", Redact.url("http://h/sse"));
    assertEquals("<none>", Redact.url(null));
    assertEquals("not a url", Redact.url("not a url?token=x"));
  }

  @Test
  void freeTextLosesTokensCredentialPairsAndBodies() {
    String s =
        Redact.text(
            "GET https://h/mcp?api_key=K1 failed; Authorization: Bearer eyJabc.def sessionId=1234 password=hunter2 response body: {\"echo\":\"Bearer T2\"}");
    for (String secret : new String[] {"K1", "eyJabc", "1234", "hunter2", "T2"}) {
      assertFalse(s.contains(secret), secret + " leaked: " + s);
    }
    assertTrue(s.contains("https://h/mcp?<redacted>"), s);
    String status =
        Redact.text(
            "Sending message failed with a non-OK HTTP code: 404 - {\"jsonRpcError\":{\"message\":\"Session not found: aa3199-66\"}}");
    assertEquals("Sending message failed with a non-OK HTTP code: 404 - <body omitted>", status);
    assertEquals(
        "see /message?<redacted> now",
        Redact.text("see /message?sessionId=3f2a-77 now"),
        "a relative endpoint loses its whole query, key included");
    assertEquals(
        "Failed to send message: AggregateResponseEvent[responseInfo=ResponseInfoImpl@7d94, data=<omitted>",
        Redact.text(
            "Failed to send message: AggregateResponseEvent[responseInfo=ResponseInfoImpl@7d94, data={\"error\":\"unauthorized\", \"echo\":\"s3cr3t\"} ]"),
        "an SDK response event's data is a body");
    assertEquals(
        "see /docs/a.html and http://h/p?<redacted>",
        Redact.text("see /docs/a.html and http://h/p?k=v"));
    assertFalse(Redact.text("line one\nline two").contains("\n"), "one line");
    assertTrue(Redact.text("x".repeat(1000)).length() < 310, "bounded length");
  }

  @Test
  void errorsShowTheMostTellingCauseRedacted() {
    IOException e =
        new IOException("wrapper", new IOException("connect to https://h/x?token=abc refused"));
    assertEquals("IOException: connect to https://h/x?<redacted> refused", Redact.error(e));
    assertEquals("none", Redact.error(null));
  }
}
