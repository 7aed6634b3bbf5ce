package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent's figures where the application keeps its metrics: the sample app, with the
 * OpenTelemetry API on its class path, runs with the OpenTelemetry Java agent 2.10.0 beside ours
 * (its logging exporter every second); the server restarts, both connections reconnect, and the
 * exporter's output carries the reconnect, the recovery time, the ended session and the connections
 * per state, with the server's host and port and nothing of the URL's path or query.
 */
class MetricsTest {

  static final String APP = "io.github.mcpkeepalive.sample.SampleApp";

  /**
   * The attributes of one exported point and its value (a sum's) or sum (a histogram's: its
   * toString names them getAttributes, getSum).
   */
  static final Pattern POINT =
      Pattern.compile("(?i)attributes=\\{([^}]*)\\}, (value|getSum)=([^,}]+)");

  static final Pattern ATTRIBUTES = Pattern.compile("(?i)attributes=\\{([^}]*)\\}");

  static final Pattern COUNT = Pattern.compile("(?i)count=(\\d+)");

  static Path otelDir() {
    return Path.of(System.getProperty("otel.dir", "target/otel")).toAbsolutePath().normalize();
  }

  static String classpathWithApi() throws IOException {
    try (Stream<Path> jars = Files.list(otelDir().resolve("api"))) {
      return AppProcess.sampleClasspath()
          + File.pathSeparator
          + jars.map(Path::toString).sorted().collect(Collectors.joining(File.pathSeparator));
    }
  }

  /** The exporter's line for metric {@code name} that satisfies {@code p}. */
  static AppProcess.Line metricLine(AppProcess app, String name, Predicate<String> p, String what) {
    return app.await(
        l -> l.contains(", name=" + name + ",") && p.test(l), Duration.ofSeconds(30), what);
  }

  /** The value of the point whose attributes include {@code attribute}, or -1. */
  static long valueOf(String line, String attribute) {
    Matcher m = POINT.matcher(line);
    while (m.find()) {
      if (m.group(1).contains(attribute) && m.group(2).equals("value")) {
        return Long.parseLong(m.group(3).trim());
      }
    }
    return -1;
  }

  @Test
  void theFiguresReachTheOpenTelemetryJavaAgentsExporter() throws Exception {
    Path otelAgent = otelDir().resolve("opentelemetry-javaagent.jar");
    assertTrue(Files.isRegularFile(otelAgent), otelAgent + " (mvn generate-test-resources)");
    try (Rig rig = new Rig(0, 0);
        AppProcess app =
            AppProcess.start(
                "with-otel",
                null,
                List.of(
                    "-javaagent:" + otelAgent,
                    "-javaagent:" + AppProcess.agentJar() + "=interval=5,ping_timeout=2",
                    "-Dotel.service.name=mcp-keepalive-e2e",
                    "-Dotel.metrics.exporter=logging",
                    "-Dotel.traces.exporter=none",
                    "-Dotel.logs.exporter=none",
                    "-Dotel.metric.export.interval=1000",
                    "-Dotel.instrumentation.runtime-telemetry.enabled=false"),
                classpathWithApi(),
                APP,
                rig.appArgs("2s", 20, "5s"))) {
      Calls.awaitFirstOk(app);
      app.await(
          l -> l.startsWith(AppProcess.AGENT_PREFIX) && l.contains("published to OpenTelemetry"),
          Duration.ofSeconds(30),
          "the agent publishing to OpenTelemetry");

      rig.server.stop();
      Instant cut = Instant.now();
      Await.quiet(Duration.ofSeconds(1)); // the outage
      rig.server.start();
      app.awaitReconnected(cut, "sse", Duration.ofSeconds(30));
      app.awaitReconnected(cut, "streamable", Duration.ofSeconds(30));
      Instant reconnected = Instant.now();

      AppProcess.Line succeeded =
          metricLine(
              app,
              "mcp.keepalive.reconnects.succeeded",
              l ->
                  valueOf(l, "mcp.keepalive.transport=\"sse\"") >= 1
                      && valueOf(l, "mcp.keepalive.transport=\"streamable\"") >= 1,
              "a reconnect of each connection counted");
      String port = "server.port=" + rig.proxy.port();
      assertTrue(
          succeeded.text().contains("server.address=\"127.0.0.1\"")
              && succeeded.text().contains(port)
              && succeeded.text().contains("mcp.keepalive.library=\"mcp-java-sdk 2.1.0\""),
          succeeded::text);
      metricLine(
          app,
          "mcp.keepalive.recovery.duration",
          l -> {
            Matcher c = COUNT.matcher(l);
            return c.find() && Integer.parseInt(c.group(1)) >= 1;
          },
          "a recovery time recorded");
      metricLine(
          app,
          "mcp.client.session.duration",
          l -> l.contains("error.type=") && l.contains("network.transport=\"tcp\""),
          "a session that ended with an error");
      AppProcess.Line states =
          app.awaitLine(
              l ->
                  l.at().isAfter(reconnected)
                      && l.text().contains(", name=mcp.keepalive.connections,")
                      && valueOf(
                              l.text(),
                              "mcp.keepalive.state=\"CONNECTED\", mcp.keepalive.transport=\"sse\"")
                          == 1,
              Duration.ofSeconds(30),
              "the connections per state after the reconnect");
      metricLine(app, "mcp.keepalive.pings.sent", l -> true, "the pings counted");
      metricLine(app, "mcp.keepalive.pings.failed", l -> true, "the failed pings counted");
      metricLine(app, "mcp.keepalive.reconnects.attempted", l -> true, "the attempts counted");

      List<String> ours = app.matching(", name=mcp.");
      List<String> leaks = new ArrayList<>();
      for (String l : ours) {
        // the points' attributes, after the name: the resource before it names the process, with
        // its command line
        Matcher m = ATTRIBUTES.matcher(l.substring(l.indexOf(", name=mcp.")));
        while (m.find()) {
          String a = m.group(1);
          if (a.contains("?")
              || a.contains("/")
              || a.contains(Rig.TOKEN)
              || a.contains(Rig.QUERY_SECRET)
              || a.toLowerCase().contains("session.id")) {
            leaks.add(a);
          }
        }
      }
      assertEquals(List.of(), leaks, "no path, query string, token or session id in attributes");
      assertFalse(states.text().isEmpty());
      System.out.println("METRICS e2e, exported lines of the agent's figures:");
      for (String name :
          List.of(
              "mcp.keepalive.reconnects.succeeded",
              "mcp.keepalive.recovery.duration",
              "mcp.client.session.duration",
              "mcp.keepalive.connections")) {
        String line =
            app.matching(", name=" + name + ",").stream().reduce((a, b) -> b).orElse("none");
        System.out.println("  " + line.substring(line.indexOf(", name=" + name) + 2));
      }
      Secrets.assertNoneIn(app);
    }
  }
}
