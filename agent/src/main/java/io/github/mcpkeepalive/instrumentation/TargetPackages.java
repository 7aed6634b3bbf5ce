package io.github.mcpkeepalive.instrumentation;

/**
 * Where every class that some library support weaves lives, as internal-name prefixes, known
 * without building any library support: the transformer's test for a class that may need weaving,
 * answerable before the agent has finished setting up. {@code TargetPackagesTest} proves that every
 * woven class is covered.
 */
public final class TargetPackages {

  private static final String[] PREFIXES = {
    "io/modelcontextprotocol/", // the MCP Java SDK and its WebFlux transports
    "org/springframework/ai/mcp/", // Spring AI's WebFlux transports
    "org/springframework/http/client/ReactorResourceFactory", // the WebClients' event loops
    "dev/langchain4j/mcp/" // langchain4j-mcp
  };

  private TargetPackages() {}

  /** Whether the class of internal name {@code name} (a/b/C) may be one some support weaves. */
  public static boolean covers(String name) {
    for (String prefix : PREFIXES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
