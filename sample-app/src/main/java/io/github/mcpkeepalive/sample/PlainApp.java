package io.github.mcpkeepalive.sample;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;

/**
 * An application that uses no MCP library: a JDK HTTP server and client exchanging a few requests.
 * It prints deterministic output, so a run with the agent attached can be compared line for line
 * with a run without it. Arguments: the number of requests (5), and how long at most to stay up
 * after them, in ms, until an agent attached to this JVM says it is set up (0: exit at once), as a
 * longer-lived application would; the tests that read the agent's start line use it.
 */
public final class PlainApp {

  /** Set by the agent once it is set up and has logged so. */
  private static final String AGENT_SET_UP = "io.github.mcpkeepalive.version";

  private PlainApp() {}

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    long stayMillis = args.length > 1 ? Long.parseLong(args[1]) : 0;
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    server.setExecutor(pool);
    server.createContext(
        "/echo",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    try {
      HttpClient client = HttpClient.newHttpClient();
      CRC32 crc = new CRC32();
      for (int i = 1; i <= requests; i++) {
        String payload = "request-" + i;
        HttpRequest request =
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofString(payload))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        crc.update(response.body().getBytes(StandardCharsets.UTF_8));
        System.out.println(
            "PLAIN n=" + i + " status=" + response.statusCode() + " body=" + response.body());
      }
      System.out.println("PLAIN done checksum=" + Long.toHexString(crc.getValue()));
      long deadline = System.nanoTime() + stayMillis * 1_000_000;
      while (System.getProperty(AGENT_SET_UP) == null && System.nanoTime() < deadline) {
        Thread.sleep(10); // an application going on with its work
      }
    } catch (IOException e) {
      System.out.println("PLAIN failed " + e);
      System.exit(1);
    } finally {
      server.stop(0);
      pool.shutdownNow();
    }
  }
}
