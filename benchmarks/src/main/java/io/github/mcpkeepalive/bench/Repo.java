package io.github.mcpkeepalive.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's built artifacts the benchmarks run. */
record Repo(Path root) {

  static Repo find() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("agent/target/mcp-keepalive-agent.jar"))
          && Files.isRegularFile(p.resolve("sample-app/target/sample-app.jar"))) {
        return new Repo(p);
      }
    }
    throw new IllegalStateException(
        "run from the repository after mvn -DskipTests package: agent/target/mcp-keepalive-agent.jar or sample-app/target/sample-app.jar not found above "
            + dir);
  }

  Path agentJar() {
    return root.resolve("agent/target/mcp-keepalive-agent.jar");
  }

  String agent(String args) {
    return "-javaagent:" + agentJar() + (args == null || args.isEmpty() ? "" : "=" + args);
  }

  /** The sample app's jar (its manifest brings its libraries). */
  String sampleClasspath() {
    return root.resolve("sample-app/target/sample-app.jar").toString();
  }

  /** This module's jar (its manifest brings JMH and the sample app). */
  String benchClasspath() {
    return root.resolve("benchmarks/target/benchmarks.jar").toString();
  }

  /** This module's jar plus the packaged agent, for benchmarks of the agent's core classes. */
  String benchWithAgentClasses() {
    return benchClasspath() + File.pathSeparator + agentJar();
  }
}
