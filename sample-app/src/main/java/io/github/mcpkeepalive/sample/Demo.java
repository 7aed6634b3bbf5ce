package io.github.mcpkeepalive.sample;

import io.github.mcpkeepalive.sample.support.CallSchedule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The side-by-side demo: the same unmodified {@link SampleApp} runs twice at once, without and with
 * the agent, each against its own embedded MCP server behind a {@link FaultProxy} that behaves like
 * a production load balancer (idle cut), with the same fault timeline (a server restart, then a
 * blackhole). At the end it prints a table comparing the two runs.
 *
 * <pre>
 * Demo [--agent agent/target/mcp-keepalive-agent.jar] [--agent-args interval=5,ping_timeout=2]
 *      [--idle-cut 7s] [--every 8s] [--calls 9] [--restart-at 20s] [--restart-down 3s]
 *      [--blackhole-at 40s] [--blackhole-for 12s] [--server URL[,transport=sse|streamable,token=T]]
 *      [--webflux [sample-spring-ai-webflux/target/sample-spring-ai-webflux.jar]]
 * </pre>
 *
 * With {@code --server} no embedded server or fault is used: both runs talk to that real server, so
 * the faults are whatever its path does to the application.
 *
 * <p>With {@code --webflux} the app of both runs is the Spring AI WebFlux sample instead ({@code
 * sample-spring-ai-webflux}'s executable jar: Spring AI's WebClient transports over Reactor Netty),
 * its connections {@code sse} and {@code http} pointed at the embedded server; it cannot be
 * combined with {@code --server}.
 */
public final class Demo {

  private static final Pattern CALL =
      Pattern.compile("^CALL (\\S+) server=(\\S+) n=\\d+ (ok|failed) latency_ms=(\\d+)");
  private static final Pattern SUMMARY =
      Pattern.compile("^SUMMARY server=(\\S+) ok=(\\d+) failed=(\\d+) notifications=(\\d+)");

  private String agentJar = "agent/target/mcp-keepalive-agent.jar";
  private String agentArgs = "interval=5,ping_timeout=2";
  private Duration idleCut = Duration.ofSeconds(7);
  private Duration every = Duration.ofSeconds(8);
  private int calls = 9;
  private Duration restartAt = Duration.ofSeconds(20);
  private Duration restartDown = Duration.ofSeconds(3);
  private Duration blackholeAt = Duration.ofSeconds(40);
  private Duration blackholeFor = Duration.ofSeconds(12);
  private final List<String> external = new ArrayList<>();
  private String webfluxJar; // null: the plain SDK app

  static final String WEBFLUX_JAR = "sample-spring-ai-webflux/target/sample-spring-ai-webflux.jar";

  private Demo() {}

  public static void main(String[] args) throws Exception {
    // the embedded servers' own complaints about vanished clients are part of the show, not news
    System.setProperty("org.slf4j.simpleLogger.log.io.modelcontextprotocol", "off");
    Demo demo = new Demo();
    try {
      demo.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("demo: " + e.getMessage());
      System.exit(2);
    }
    System.exit(demo.run());
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.println("see the class comment of " + Demo.class.getName() + " or the README");
        System.exit(0);
      }
      if (a.equals("--webflux")) {
        // the jar's path is optional: the next argument, unless it is the next option
        boolean path = i + 1 < args.length && !args[i + 1].startsWith("--");
        webfluxJar = path ? args[++i] : WEBFLUX_JAR;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--agent" -> agentJar = v;
        case "--agent-args" -> agentArgs = v;
        case "--idle-cut" -> idleCut = CallSchedule.duration(v);
        case "--every" -> every = CallSchedule.duration(v);
        case "--calls" -> calls = Integer.parseInt(v);
        case "--restart-at" -> restartAt = CallSchedule.duration(v);
        case "--restart-down" -> restartDown = CallSchedule.duration(v);
        case "--blackhole-at" -> blackholeAt = CallSchedule.duration(v);
        case "--blackhole-for" -> blackholeFor = CallSchedule.duration(v);
        case "--server" -> external.add(v);
        default -> throw new IllegalArgumentException("unknown argument " + a + " (try --help)");
      }
    }
    if (!Files.isRegularFile(Path.of(agentJar))) {
      throw new IllegalArgumentException(
          "agent jar not found at "
              + agentJar
              + "; build it with mvn -q -DskipTests package, or pass --agent PATH");
    }
    if (webfluxJar != null) {
      if (!external.isEmpty()) {
        throw new IllegalArgumentException(
            "--webflux runs the Spring AI sample against the embedded server only; it cannot be"
                + " combined with --server");
      }
      if (!Files.isRegularFile(Path.of(webfluxJar))) {
        throw new IllegalArgumentException(
            "WebFlux sample jar not found at "
                + webfluxJar
                + "; build it with mvn -q -DskipTests package, or pass --webflux PATH");
      }
    }
  }

  /** One run of the sample app: its rig (unless external), its process and its output. */
  private final class Run implements AutoCloseable {
    final String label;
    final DemoServer server;
    final FaultProxy proxy;
    final Process process;
    final List<String[]> lines = new CopyOnWriteArrayList<>(); // {instant, text}

    Run(String label, boolean withAgent) throws Exception {
      this.label = label;
      List<String> appArgs = new ArrayList<>();
      if (external.isEmpty()) {
        server = new DemoServer(0, null, 10_000);
        proxy = new FaultProxy(0, server.port(), idleCut.toMillis());
        String base = "http://127.0.0.1:" + proxy.port();
        if (webfluxJar != null) {
          appArgs.add("--mcp.base-url=" + base);
        } else {
          appArgs.addAll(
              List.of(
                  "--server",
                  "name=sse,transport=sse,url=" + base + "/sse",
                  "--server",
                  "name=streamable,transport=streamable,url=" + base + "/mcp"));
        }
      } else {
        server = null;
        proxy = null;
        for (String s : external) {
          appArgs.add("--server");
          appArgs.add(s.contains("url=") ? s : "url=" + s);
        }
      }
      if (webfluxJar != null) {
        // the Spring Boot application's own properties (sample-spring-ai's AppProperties)
        appArgs.addAll(
            List.of(
                "--app.every=" + every.toMillis() + "ms",
                "--app.calls=" + calls,
                "--spring.ai.mcp.client.request-timeout=5s"));
      } else {
        appArgs.addAll(
            List.of(
                "--every",
                every.toMillis() + "ms",
                "--calls",
                Integer.toString(calls),
                "--request-timeout",
                "5s"));
      }
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      if (withAgent) {
        cmd.add(
            "-javaagent:"
                + Path.of(agentJar).toAbsolutePath()
                + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
      }
      if (webfluxJar != null) {
        cmd.addAll(List.of("-jar", Path.of(webfluxJar).toAbsolutePath().toString()));
      } else {
        cmd.addAll(
            List.of("-cp", System.getProperty("java.class.path"), SampleApp.class.getName()));
      }
      cmd.addAll(appArgs);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().keySet().removeIf(k -> k.startsWith("MCP_KEEPALIVE_"));
      process = pb.start();
      pump(process.getInputStream());
    }

    private void pump(InputStream in) {
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                  for (String s = r.readLine(); s != null; s = r.readLine()) {
                    lines.add(new String[] {Instant.now().toString(), s});
                    if (s.startsWith("CALL ")
                        || s.startsWith("INIT ")
                        || (s.startsWith("[mcp-keepalive]") && s.contains(" -> "))) {
                      say(
                          String.format(
                              Locale.ROOT,
                              "%-13s %s",
                              label,
                              s.startsWith("[mcp-keepalive]")
                                  ? s.replaceFirst("^\\[mcp-keepalive\\] \\S+ ", "agent: ")
                                  : s.replaceFirst("^CALL \\S+ ", "call ")));
                    }
                  }
                } catch (IOException ignored) {
                  // process ended
                }
              },
              "demo-" + label);
      t.setDaemon(true);
      t.start();
    }

    List<String> texts() {
      return lines.stream().map(l -> l[1]).toList();
    }

    /** Whether every client of this run has started (initialized, or failed to). */
    boolean started() {
      long done =
          texts().stream().filter(t -> t.startsWith("READY ") || t.startsWith("INIT ")).count();
      return done >= Math.max(1, external.isEmpty() ? 2 : external.size());
    }

    @Override
    public void close() {
      process.destroyForcibly();
      if (proxy != null) {
        proxy.close();
      }
      if (server != null) {
        server.close();
      }
    }
  }

  private int run() throws Exception {
    say(
        "demo: the same MCP client app"
            + (webfluxJar != null
                ? " (Spring AI's WebFlux MCP client, " + Path.of(webfluxJar).getFileName() + ")"
                : "")
            + ", twice at once: plain, and with -javaagent:"
            + agentJar
            + "="
            + agentArgs);
    if (external.isEmpty()) {
      say(
          String.format(
              Locale.ROOT,
              "demo: timeline: proxy cuts connections idle for %s; app calls every %s; server restarts at +%s (down %s); path blackholed at +%s for %s",
              secs(idleCut),
              secs(every),
              secs(restartAt),
              secs(restartDown),
              secs(blackholeAt),
              secs(blackholeFor)));
    }
    try (Run plain = new Run("without agent", false);
        Run healed = new Run("with agent", true)) {
      List<Run> runs = List.of(plain, healed);
      // the timeline starts once both apps are up, however long the JVMs take on this machine
      Instant startDeadline = Instant.now().plusSeconds(60);
      while (!runs.stream().allMatch(Run::started) && Instant.now().isBefore(startDeadline)) {
        Thread.sleep(50);
      }
      Instant t0 = Instant.now();
      say("demo: +0.0 s both apps started");
      List<Instant[]> outages = new ArrayList<>();
      if (external.isEmpty()) {
        sleepUntil(t0.plus(restartAt));
        say(
            "demo: +"
                + secs(Duration.between(t0, Instant.now()))
                + " server restart (all sessions lost)");
        for (Run r : runs) {
          r.server.stop();
        }
        Instant down = Instant.now();
        sleepUntil(down.plus(restartDown));
        for (Run r : runs) {
          r.server.start();
        }
        outages.add(new Instant[] {down, Instant.now()});
        sleepUntil(t0.plus(blackholeAt));
        say(
            "demo: +"
                + secs(Duration.between(t0, Instant.now()))
                + " path blackholed (nothing forwarded, sockets stay open)");
        for (Run r : runs) {
          r.proxy.setBlackhole(true);
        }
        Instant dark = Instant.now();
        sleepUntil(dark.plus(blackholeFor));
        for (Run r : runs) {
          r.proxy.setBlackhole(false);
        }
        outages.add(new Instant[] {dark, Instant.now()});
        say("demo: +" + secs(Duration.between(t0, Instant.now())) + " path restored");
      }
      long limit = every.toMillis() * (calls + 4) + 60_000;
      for (Run r : runs) {
        if (!r.process.waitFor(limit, TimeUnit.MILLISECONDS)) {
          say("demo: " + r.label + " run did not finish in time; stopping it");
          r.process.destroyForcibly();
        }
      }
      Thread.sleep(300); // let the output pumps drain
      writeLogs(runs);
      printTable(plain, healed, outages);
      return 0;
    }
  }

  private void printTable(Run plain, Run healed, List<Instant[]> outages) {
    List<String> servers = new ArrayList<>();
    for (String l : healed.texts()) {
      Matcher m = SUMMARY.matcher(l);
      if (m.find()) {
        servers.add(m.group(1));
      }
    }
    servers.sort(null);
    List<String[]> rows = new ArrayList<>();
    for (String s : servers) {
      rows.add(new String[] {s + ": calls ok / failed", okFailed(plain, s), okFailed(healed, s)});
      rows.add(
          new String[] {s + ": notifications received", field(plain, s, 4), field(healed, s, 4)});
    }
    rows.add(
        new String[] {
          "sessions re-initialized by the agent",
          "-",
          Long.toString(
              healed.texts().stream()
                  .filter(l -> l.contains("-> CONNECTED (session re-initialized"))
                  .count())
        });
    String[] names = {"server restart", "blackhole"};
    for (int i = 0; i < outages.size(); i++) {
      Instant end = outages.get(i)[1];
      rows.add(
          new String[] {
            "recovered after the " + names[i] + " (first ok call of every server)",
            recovery(plain, servers, end),
            recovery(healed, servers, end)
          });
    }
    int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
    String fmt = "%-" + w0 + "s | %-15s | %-15s%n";
    System.out.println();
    System.out.printf(Locale.ROOT, fmt, "", "without agent", "with agent");
    System.out.println("-".repeat(w0) + "-+-" + "-".repeat(15) + "-+-" + "-".repeat(15));
    for (String[] r : rows) {
      System.out.printf(Locale.ROOT, fmt, r[0], r[1], r[2]);
    }
    System.out.println();
    System.out.println("full output of both runs: target/demo/");
    System.out.flush();
  }

  private static String okFailed(Run r, String server) {
    return field(r, server, 2) + " / " + field(r, server, 3);
  }

  private static String field(Run r, String server, int group) {
    for (String l : r.texts()) {
      Matcher m = SUMMARY.matcher(l);
      if (m.find() && m.group(1).equals(server)) {
        return m.group(group);
      }
    }
    return "?";
  }

  /** Seconds from the end of an outage until every server answered a call again, or "never". */
  private static String recovery(Run r, List<String> servers, Instant outageEnd) {
    Duration worst = Duration.ZERO;
    for (String s : servers) {
      Duration first = null;
      for (String l : r.texts()) {
        Matcher m = CALL.matcher(l);
        if (m.find() && m.group(2).equals(s) && m.group(3).equals("ok")) {
          Instant end = Instant.parse(m.group(1));
          Instant start = end.minusMillis(Long.parseLong(m.group(4)));
          if (start.isAfter(outageEnd)) {
            first = Duration.between(outageEnd, end);
            break;
          }
        }
      }
      if (first == null) {
        return "never";
      }
      worst = first.compareTo(worst) > 0 ? first : worst;
    }
    return secs(worst);
  }

  private static void writeLogs(List<Run> runs) {
    try {
      Path dir = Path.of("target", "demo");
      Files.createDirectories(dir);
      for (Run r : runs) {
        try (PrintWriter w =
            new PrintWriter(
                Files.newBufferedWriter(dir.resolve(r.label.replace(' ', '-') + ".log")))) {
          r.lines.forEach(l -> w.println(l[0] + " | " + l[1]));
        }
      }
    } catch (IOException e) {
      say("demo: could not write logs: " + e.getMessage());
    }
  }

  private static String secs(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static void sleepUntil(Instant t) throws InterruptedException {
    long ms = Duration.between(Instant.now(), t).toMillis();
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
