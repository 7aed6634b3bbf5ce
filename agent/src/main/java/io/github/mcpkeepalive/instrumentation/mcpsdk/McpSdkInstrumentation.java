package io.github.mcpkeepalive.instrumentation.mcpsdk;

import io.github.mcpkeepalive.core.LibraryVersion;
import io.github.mcpkeepalive.instrumentation.LibraryInstrumentation;
import io.github.mcpkeepalive.instrumentation.mcpsdk.common.SdkRefs;
import io.github.mcpkeepalive.instrumentation.mcpsdk.v0_16.Sdk016Module;
import io.github.mcpkeepalive.instrumentation.mcpsdk.v2_0.Sdk20Module;
import io.github.mcpkeepalive.instrumentation.mcpsdk.v2_1.Sdk21Module;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The MCP Java SDK client ({@code HttpClientSseClientTransport}, {@code
 * HttpClientStreamableHttpTransport}), in three version ranges that differ in two lambda shapes.
 * Which applies is decided by checking the application's SDK classes, not by its version.
 */
public final class McpSdkInstrumentation extends LibraryInstrumentation {

  /** The versions the project's tests run (README, "Supported libraries"). */
  private static final LibraryVersion VERSION =
      new LibraryVersion(
          "MCP Java SDK",
          "io.modelcontextprotocol.sdk",
          List.of("mcp-core", "mcp"),
          SdkRefs.ASYNC_CLIENT,
          Pattern.compile("(0\\.1[678]|1\\.[01]|2\\.[01])\\.\\d+"),
          "0.16.x to 2.1.x");

  // typed as the base class: Library.support() returns it without the verifier loading this class
  // (to check that it is one), so that an application without this library never loads it
  public static final LibraryInstrumentation INSTANCE = new McpSdkInstrumentation();

  private McpSdkInstrumentation() {
    super(
        VERSION,
        "MCP Java SDK (tested "
            + VERSION.testedText()
            + "; HttpClientSseClientTransport, HttpClientStreamableHttpTransport)",
        List.of(new Sdk21Module(), new Sdk20Module(), new Sdk016Module()));
  }

  /** SDK 0.10 to 0.15 build their clients differently (no LifecycleInitializer, FlowSseClient). */
  @Override
  protected String hintFor(String version) {
    return version != null && version.matches("0\\.(\\d|1[0-5])\\..*")
        ? "Spring AI 1.0.7 or later brings a supported MCP Java SDK (0.18.2)"
        : "";
  }
}
