package io.github.mcpkeepalive.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The version matrix: the unmodified sample apps, with the agent, on every release of their MCP
 * library that the agent supports, listed with how their jars are obtained in {@code
 * version-matrix/invoker.properties} (the build copies each release with its dependencies, as Maven
 * resolves them, and the app runs on them instead of the release it was built with). One combined
 * scenario per release, on both transports: calls across idle cuts, then a server restart; every
 * call outside the restart succeeds, the agent names the exact release, never warns and logs no
 * secret. The full scenario set runs on the release each app is built with ({@link
 * McpSdkRecoveryTest}, {@link Langchain4jTest}, …).
 */
class VersionMatrixTest {

  private static final Path LIST =
      Path.of(System.getProperty("version.matrix", "version-matrix/invoker.properties"));
  private static final Path JARS =
      Path.of(System.getProperty("version.matrix.jars", "target/version-matrix"));
  private static final Pattern ENTRY = Pattern.compile("-D(\\S+)\\.version=(\\S+)");

  /** A library of the matrix: the Maven artifact its list names, and the app that runs on it. */
  enum Library {
    MCP_SDK("mcp", ClientApp.MCP_SDK, "sample-app", ServerRestartTest.APP, true),
    LANGCHAIN4J(
        "langchain4j-mcp",
        ClientApp.LANGCHAIN4J,
        "sample-langchain4j",
        "io.github.mcpkeepalive.sample.langchain4j.Langchain4jApp",
        false);

    final String artifactId;
    final ClientApp app;
    final String module;
    final String mainClass;

    /**
     * Whether the proxy surely cuts something before the restart: the SDK's Streamable HTTP client
     * holds a GET notification stream that only the server's notifications (every 10 s) cross, so
     * it is cut and re-opened; langchain4j-mcp opens none, and the agent's pings keep its other
     * connections busy, so the proxy cuts only spare pooled connections, by chance.
     */
    final boolean alwaysCut;

    Library(String artifactId, ClientApp app, String module, String mainClass, boolean alwaysCut) {
      this.artifactId = artifactId;
      this.app = app;
      this.module = module;
      this.mainClass = mainClass;
      this.alwaysCut = alwaysCut;
    }

    /** How the agent names the library ("mcp-java-sdk"), from the app's "name version". */
    String agentName() {
      return app.library.substring(0, app.library.lastIndexOf(' '));
    }

    /** The release the app is built with. */
    String builtWith() {
      return app.library.substring(app.library.lastIndexOf(' ') + 1);
    }

    static Library of(String artifactId) {
      for (Library l : values()) {
        if (l.artifactId.equals(artifactId)) {
          return l;
        }
      }
      throw new IllegalArgumentException("no sample app for " + artifactId + " in " + LIST);
    }
  }

  /** One release of a library: a row of the matrix. */
  record Release(Library library, String version) {
    Path jars() {
      return JARS.resolve(library.artifactId + "-" + version);
    }

    @Override
    public String toString() {
      return library.artifactId + "-" + version;
    }
  }

  static List<Release> matrix() throws IOException {
    List<Release> rows = new ArrayList<>();
    for (String line : Files.readAllLines(LIST)) {
      Matcher m = ENTRY.matcher(line);
      if (!line.startsWith("#") && m.find()) {
        rows.add(new Release(Library.of(m.group(1)), m.group(2)));
      }
    }
    return rows;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matrix")
  void idleCutsAndARestartAreHealed(Release release) throws Exception {
    Library library = release.library();
    Release builtWith = new Release(library, library.builtWith());
    for (Release r : List.of(release, builtWith)) {
      assertTrue(
          Files.isDirectory(r.jars()),
          () ->
              r.jars()
                  + " missing: the e2e module's build copies the jars of every release in "
                  + LIST);
    }
    String classpath =
        AppProcess.moduleClasspathOn(library.module, builtWith.jars(), release.jars());
    try (Rig rig = new Rig(7_000, 10_000);
        // calls 8 s apart through a proxy that cuts connections idle for 7 s; a 10 s request
        // timeout,
        // as the first initialize of three JVMs starting at once on two cores can take over 5 s
        AppProcess app =
            AppProcess.start(
                release.toString(),
                "interval=5",
                List.of(),
                classpath,
                library.mainClass,
                rig.appArgs("8s", 4, "10s"))) {
      String discovered = "[" + library.agentName() + " " + release.version() + "]";
      for (String transport : RecoveryScenarios.TRANSPORTS) {
        app.await(
            l ->
                l.contains("INFO discovered")
                    && l.contains(" " + transport + " ")
                    && l.contains(discovered),
            Duration.ofSeconds(60),
            transport + " discovered as " + discovered);
      }
      // two calls each, across idle cuts, then a restart before the other two
      for (String server : RecoveryScenarios.SERVERS) {
        app.await(
            l -> l.startsWith("CALL ") && l.contains("server=" + server + " n=2 "),
            Duration.ofSeconds(60),
            server + " call 2");
      }
      int cutsBefore = rig.proxy.idleCuts();
      Instant down = Instant.now();
      rig.server.restart();
      Instant back = Instant.now();

      app.awaitExit(Duration.ofSeconds(90));
      Map<String, Long> reconnects = new TreeMap<>();
      for (String transport : RecoveryScenarios.TRANSPORTS) {
        reconnects.put(
            transport,
            app.lines().stream()
                .filter(l -> l.at().isAfter(down))
                .map(AppProcess.Line::text)
                .filter(
                    l ->
                        l.contains(" " + transport + " http")
                            && l.contains("-> CONNECTED (session re-initialized"))
                .count());
      }
      StringBuilder figures =
          new StringBuilder(
              "MATRIX "
                  + release
                  + ": idle cuts "
                  + cutsBefore
                  + " before the restart, "
                  + rig.proxy.idleCuts()
                  + " in all");
      for (String server : RecoveryScenarios.SERVERS) {
        Calls.Summary s = Calls.summary(app, server);
        figures
            .append("; ")
            .append(server)
            .append(" calls ok/failed ")
            .append(s.ok())
            .append('/')
            .append(s.failed())
            .append(", notifications ")
            .append(s.notifications());
      }
      figures.append("; re-initialized by the agent after the restart ").append(reconnects);
      System.out.println(figures);

      if (library.alwaysCut) {
        assertTrue(
            cutsBefore >= 1,
            () -> "the proxy cut the idle notification stream before the restart\n" + app.dump());
      }
      for (String server : RecoveryScenarios.SERVERS) {
        List<Calls.Call> calls = Calls.of(app, server);
        assertEquals(4, calls.size(), app::dump);
        assertTrue(
            calls.stream().filter(c -> c.start().isAfter(back)).count() >= 2,
            () -> server + ": calls after the restart\n" + app.dump());
        List<Calls.Call> failed =
            calls.stream()
                .filter(c -> !c.ok())
                .filter(c -> c.end().isBefore(down) || c.start().isAfter(back))
                .collect(Collectors.toList());
        assertEquals(
            List.of(),
            failed,
            () ->
                server
                    + ": every call outside the restart succeeds on "
                    + release
                    + "\n"
                    + app.dump());
        if (library.app.seesNotifications) {
          assertTrue(
              Calls.summary(app, server).notifications() >= 2,
              () -> server + ": notifications keep arriving\n" + app.dump());
        }
      }
      // the restart ends the legacy SSE stream: the agent re-opens it at once (the SDK never would,
      // langchain4j-mcp not before its health check); a Streamable HTTP client may meet the
      // forgotten
      // session in a request of its own first and start a new one itself, so its lines are counted
      // only
      assertTrue(
          reconnects.get("sse") >= 1,
          () -> "sse: the agent reports the reconnection on " + release + "\n" + app.dump());
      assertTrue(
          app.agentLines().stream().noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ")),
          () -> "no agent warning on " + release + "\n" + app.dump());
      Secrets.assertNoneIn(app);
    }
  }
}
