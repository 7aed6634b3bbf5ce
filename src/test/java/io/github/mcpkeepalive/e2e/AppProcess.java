package io.github.mcpkeepalive.e2e;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A separate JVM running the sample app (or another main class), optionally with the agent. */
final class AppProcess implements AutoCloseable {

  /** One line of output with the time it was read. */
  record Line(Instant at, String text) {}

  static final String AGENT_PREFIX = "[mcp-keepalive]";

  /** A jar file named as Maven copies it: artifact name, then a version starting with a digit. */
  private static final Pattern VERSIONED_JAR = Pattern.compile("(.+?)-\\d.*\\.jar");

  private final Process process;
  private final List<Line> lines = new CopyOnWriteArrayList<>();
  private final String label;
  private final String logPrefix = testClassPrefix();

  private AppProcess(String label, List<String> command) throws IOException {
    HostLoad.ensure();
    this.label = label;
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("MCP_KEEPALIVE_"));
    this.process = pb.start();
    pump(process.getInputStream());
    pump(process.getErrorStream());
  }

  /** Starts {@code mainClass} with the sample app's classpath; {@code agentArgs} null: no agent. */
  static AppProcess start(String label, String agentArgs, String mainClass, List<String> args)
      throws IOException {
    return start(label, agentArgs, List.of(), sampleClasspath(), mainClass, args);
  }

  static AppProcess start(
      String label,
      String agentArgs,
      List<String> jvmArgs,
      String classpath,
      String mainClass,
      List<String> args)
      throws IOException {
    List<String> cmd = java(agentArgs);
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(args);
    return new AppProcess(label, cmd);
  }

  /**
   * {@code java [-javaagent…] -jar jar args…}: an executable application jar (Spring Boot, say).
   */
  static AppProcess startApplicationJar(String label, String agentArgs, Path jar, List<String> args)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "application jar not built: " + jar + " (run mvn package first)");
    }
    List<String> cmd = java(agentArgs);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(args);
    return new AppProcess(label, cmd);
  }

  private static List<String> java(String agentArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    if (agentArgs != null) {
      cmd.add("-javaagent:" + agentJar() + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
    }
    return cmd;
  }

  /** Any command, its output recorded like an application's. */
  static AppProcess command(String label, List<String> command) throws IOException {
    return new AppProcess(label, new ArrayList<>(command));
  }

  /** {@code java -jar jar args…}: the agent's command line, say. */
  static AppProcess startJar(String label, String jar, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(jar);
    cmd.addAll(args);
    return new AppProcess(label, cmd);
  }

  long pid() {
    return process.pid();
  }

  static String agentJar() {
    Path jar =
        Path.of(System.getProperty("agent.jar", "../agent/target/mcp-keepalive-agent.jar"))
            .toAbsolutePath()
            .normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("agent jar not built: " + jar + " (run mvn package first)");
    }
    return jar.toString();
  }

  static String sampleClasspath() throws IOException {
    return classpath(
        Path.of(System.getProperty("sample.classes", "../sample-app/target/classes")),
        Path.of(System.getProperty("sample.lib", "../sample-app/target/lib")));
  }

  /**
   * The classpath of a sibling application module: its jar and the jars it copied to target/lib.
   */
  static String moduleClasspath(String module) throws IOException {
    Path target = Path.of("..", module, "target");
    return classpath(target.resolve(module + ".jar"), target.resolve("lib"));
  }

  private static String classpath(Path appPath, Path libPath) throws IOException {
    Path app = appPath.toAbsolutePath().normalize();
    Path lib = libPath.toAbsolutePath().normalize();
    try (Stream<Path> jars = Files.list(lib)) {
      return app
          + File.pathSeparator
          + jars.map(Path::toString).sorted().collect(Collectors.joining(File.pathSeparator));
    }
  }

  /**
   * The sample app's classes with its libraries, but the MCP Java SDK jars of another version (from
   * the directory {@code sdkLib}, e.g. 2.0.0): the same unmodified app on another SDK.
   */
  static String sampleClasspathWithSdk(Path sdkLib) throws IOException {
    return classpathReplacing(
        Path.of("../sample-app/target/classes"),
        Path.of(System.getProperty("sample.lib", "../sample-app/target/lib")),
        "mcp-(core|json-jackson3)-.*\\.jar",
        sdkLib);
  }

  /**
   * A sibling module's classpath with the jars matching {@code jarRegex} replaced by those in
   * {@code replacements}: its classes directory, as the Class-Path of its jar would bring the
   * originals.
   */
  static String moduleClasspathReplacing(String module, String jarRegex, Path replacements)
      throws IOException {
    Path target = Path.of("..", module, "target");
    return classpathReplacing(
        target.resolve("classes"), target.resolve("lib"), jarRegex, replacements);
  }

  /**
   * A sibling module's classpath with its MCP library in another version: its classes, the jars in
   * {@code version} (that release with its dependencies, as Maven resolves them for an application
   * depending on it), and the module's own jars less those of its library as it was built ({@code
   * builtWith}, a directory of the same kind) and less any jar {@code version} brings anew. Jars
   * are matched by artifact name (the file name without its version): the same unmodified
   * application on another release.
   */
  static String moduleClasspathOn(String module, Path builtWith, Path version) throws IOException {
    Path target = Path.of("..", module, "target").toAbsolutePath().normalize();
    try (Stream<Path> own = Files.list(target.resolve("lib"));
        Stream<Path> library = Files.list(builtWith);
        Stream<Path> replacing = Files.list(version)) {
      List<Path> versionJars =
          replacing
              .filter(p -> p.toString().endsWith(".jar"))
              .sorted()
              .collect(Collectors.toList());
      Set<String> replaced =
          Stream.concat(library, versionJars.stream())
              .map(AppProcess::artifactName)
              .collect(Collectors.toSet());
      List<String> entries = new ArrayList<>();
      entries.add(target.resolve("classes").toString());
      own.filter(p -> !replaced.contains(artifactName(p)))
          .map(Path::toString)
          .sorted()
          .forEach(entries::add);
      versionJars.stream()
          .map(p -> p.toAbsolutePath().normalize().toString())
          .forEach(entries::add);
      return String.join(File.pathSeparator, entries);
    }
  }

  /** {@code jackson-core} for {@code jackson-core-2.19.2.jar}. */
  private static String artifactName(Path jar) {
    String file = jar.getFileName().toString();
    Matcher m = VERSIONED_JAR.matcher(file);
    return m.matches() ? m.group(1) : file;
  }

  private static String classpathReplacing(
      Path appPath, Path libPath, String jarRegex, Path replacements) throws IOException {
    Path app = appPath.toAbsolutePath().normalize();
    Path lib = libPath.toAbsolutePath().normalize();
    try (Stream<Path> jars = Files.list(lib);
        Stream<Path> replacing = Files.list(replacements)) {
      List<String> entries = new ArrayList<>();
      entries.add(app.toString());
      jars.filter(p -> !p.getFileName().toString().matches(jarRegex))
          .map(Path::toString)
          .sorted()
          .forEach(entries::add);
      replacing
          .filter(p -> p.toString().endsWith(".jar"))
          .map(Path::toString)
          .sorted()
          .forEach(entries::add);
      return String.join(File.pathSeparator, entries);
    }
  }

  private void pump(InputStream in) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String s = r.readLine(); s != null; s = r.readLine()) {
                  lines.add(new Line(Instant.now(), s));
                }
              } catch (IOException ignored) {
                // process ended
              }
            },
            "pump-" + label);
    t.setDaemon(true);
    t.start();
  }

  /** When the agent logged a line: the instant after its prefix. */
  static Instant loggedAt(Line line) {
    String t = line.text();
    if (!t.startsWith(AGENT_PREFIX)) {
      throw new IllegalArgumentException("not an agent line: " + t);
    }
    int start = AGENT_PREFIX.length() + 1;
    return Instant.parse(t.substring(start, t.indexOf(' ', start)));
  }

  List<Line> lines() {
    return List.copyOf(lines);
  }

  List<String> texts() {
    return lines.stream().map(Line::text).collect(Collectors.toList());
  }

  List<String> agentLines() {
    return texts().stream().filter(s -> s.startsWith(AGENT_PREFIX)).collect(Collectors.toList());
  }

  List<String> matching(String contains) {
    return texts().stream().filter(s -> s.contains(contains)).collect(Collectors.toList());
  }

  /** Waits until a line satisfies the predicate; returns it. Fails with the output on timeout. */
  Line await(Predicate<String> p, Duration timeout, String what) {
    return awaitLine(l -> p.test(l.text()), timeout, what);
  }

  /** Waits until a line read after {@code after} satisfies the predicate. */
  Line awaitAfter(Instant after, Predicate<String> p, Duration timeout, String what) {
    return awaitLine(l -> l.at().isAfter(after) && p.test(l.text()), timeout, what);
  }

  /**
   * Waits for the agent to report a re-initialized session of this transport after {@code after}.
   */
  Line awaitReconnected(Instant after, String transport, Duration timeout) {
    return awaitAfter(
        after,
        l ->
            l.contains(" " + transport + " http")
                && l.contains("-> CONNECTED (session re-initialized"),
        timeout,
        transport + " reconnected");
  }

  Line awaitLine(Predicate<Line> p, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int from = 0;
    while (System.nanoTime() < deadline) {
      List<Line> now = lines();
      for (int i = from; i < now.size(); i++) {
        if (p.test(now.get(i))) {
          return now.get(i);
        }
      }
      from = now.size();
      Await.pause();
    }
    throw new AssertionError(
        label
            + ": timed out after "
            + timeout.toSeconds()
            + " s waiting for "
            + what
            + "\n"
            + dump());
  }

  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          label + ": did not exit within " + timeout.toSeconds() + " s\n" + dump());
    }
    // let the pumps drain
    Await.until(() -> !process.isAlive(), Duration.ofSeconds(1), "exit");
    Await.quiet(Duration.ofMillis(200));
    return process.exitValue();
  }

  String dump() {
    return lines.stream()
        .map(l -> "  " + l.at() + " | " + l.text())
        .collect(Collectors.joining("\n"));
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      Path dir = Path.of("target", "e2e-logs");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(logPrefix + label + ".log"), dump() + "\n");
    } catch (IOException ignored) {
      // logs are a courtesy
    }
  }

  /** The running test class, to name the log files after it. */
  private static String testClassPrefix() {
    for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
      if (e.getClassName().endsWith("Test")) {
        return e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1) + "-";
      }
    }
    return "";
  }
}
