package io.github.mcpkeepalive.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A child JVM whose output lines are kept with the time (System.nanoTime) each was read. */
final class Child implements AutoCloseable {

  /** One line of output and when the runner read it. */
  record Line(long nanos, String text) {}

  final long startNanos;
  private final Process process;
  private final List<Line> lines = new ArrayList<>();

  private Child(List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("MCP_KEEPALIVE_"));
    startNanos = System.nanoTime();
    process = pb.start();
    pump(process.getInputStream());
    pump(process.getErrorStream());
  }

  /** {@code java [jvmArgs] -cp classpath mainClass args}. */
  static Child start(List<String> jvmArgs, String classpath, String mainClass, List<String> args)
      throws IOException {
    List<String> all = new ArrayList<>(jvmArgs);
    all.add("-cp");
    all.add(classpath);
    all.add(mainClass);
    all.addAll(args);
    return java(all);
  }

  /** {@code java args}, with this JVM's java. */
  static Child java(List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(args);
    return new Child(cmd);
  }

  private void pump(InputStream in) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String s;
                while ((s = r.readLine()) != null) {
                  long now = System.nanoTime();
                  synchronized (lines) {
                    lines.add(new Line(now, s));
                    lines.notifyAll();
                  }
                }
              } catch (IOException ignored) {
                // the child ended
              }
            },
            "child-output");
    t.setDaemon(true);
    t.start();
  }

  /** The first line matching {@code p}, waiting up to {@code timeout}; fails with the output. */
  Line await(Predicate<String> p, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean exited = false;
    synchronized (lines) {
      while (true) {
        for (Line l : lines) {
          if (p.test(l.text())) {
            return l;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || exited) { // after an exit, one more wait lets the last lines arrive
          throw new IllegalStateException(
              "no " + what + " within " + timeout.toSeconds() + " s; output:\n" + dump());
        }
        exited = !process.isAlive();
        TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
      }
    }
  }

  List<Line> lines() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  List<String> matching(Predicate<String> p) {
    List<String> out = new ArrayList<>();
    for (Line l : lines()) {
      if (p.test(l.text())) {
        out.add(l.text());
      }
    }
    return out;
  }

  long pid() {
    return process.pid();
  }

  /** The CPU time the process has used so far (all its threads), or -1 when unknown. */
  long cpuNanos() {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "child still running after " + timeout.toSeconds() + " s; output:\n" + dump());
    }
    return process.exitValue();
  }

  String dump() {
    StringBuilder sb = new StringBuilder();
    for (Line l : lines()) {
      sb.append("  | ").append(l.text()).append('\n');
    }
    return sb.toString();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
