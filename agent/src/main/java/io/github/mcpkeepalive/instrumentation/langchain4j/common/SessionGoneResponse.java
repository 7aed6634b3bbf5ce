package io.github.mcpkeepalive.instrumentation.langchain4j.common;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;

/** A response seen as 404 (session not found) by the library; everything else as received. */
final class SessionGoneResponse implements HttpResponse.ResponseInfo {

  private final HttpResponse.ResponseInfo real;

  SessionGoneResponse(HttpResponse.ResponseInfo real) {
    this.real = real;
  }

  @Override
  public int statusCode() {
    return 404;
  }

  @Override
  public HttpHeaders headers() {
    return real.headers();
  }

  @Override
  public HttpClient.Version version() {
    return real.version();
  }
}
