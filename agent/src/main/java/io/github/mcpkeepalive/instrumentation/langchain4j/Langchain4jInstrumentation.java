package io.github.mcpkeepalive.instrumentation.langchain4j;

import io.github.mcpkeepalive.core.LibraryVersion;
import io.github.mcpkeepalive.instrumentation.LibraryInstrumentation;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.L4jRefs;
import io.github.mcpkeepalive.instrumentation.langchain4j.v1_11.L4j111Module;
import io.github.mcpkeepalive.instrumentation.langchain4j.v1_12.L4j112Module;
import io.github.mcpkeepalive.instrumentation.langchain4j.v1_13.L4j113Module;
import java.util.List;
import java.util.regex.Pattern;

/**
 * langchain4j-mcp ({@code DefaultMcpClient} over {@code HttpMcpTransport} and {@code
 * StreamableHttpMcpTransport}), in three version ranges, each adding to the one before: 1.11 (the
 * common hooks), 1.12 (the GET notification stream), 1.13 (every list cache can be emptied). The
 * newest range whose references all match the application's classes applies, whole.
 */
public final class Langchain4jInstrumentation extends LibraryInstrumentation {

  /** The versions the project's tests run (README, "Supported libraries"). */
  private static final LibraryVersion VERSION =
      new LibraryVersion(
          "langchain4j-mcp",
          "dev.langchain4j",
          List.of("langchain4j-mcp"),
          L4jRefs.CLIENT,
          Pattern.compile("1\\.1[1-8]\\.\\d+(-beta\\d+)?"),
          "1.11.x to 1.18.x");

  // typed as the base class: Library.support() returns it without the verifier loading this class
  // (to check that it is one), so that an application without this library never loads it
  public static final LibraryInstrumentation INSTANCE = new Langchain4jInstrumentation();

  private Langchain4jInstrumentation() {
    super(
        VERSION,
        "langchain4j-mcp (tested "
            + VERSION.testedText()
            + "; HttpMcpTransport, StreamableHttpMcpTransport)",
        List.of(new L4j113Module(), new L4j112Module(), new L4j111Module()));
  }
}
