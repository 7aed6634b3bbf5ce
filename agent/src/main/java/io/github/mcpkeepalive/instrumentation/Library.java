package io.github.mcpkeepalive.instrumentation;

import io.github.mcpkeepalive.instrumentation.langchain4j.Langchain4jInstrumentation;
import io.github.mcpkeepalive.instrumentation.mcpsdk.McpSdkInstrumentation;
import io.github.mcpkeepalive.instrumentation.webflux.SdkWebFluxInstrumentation;
import io.github.mcpkeepalive.instrumentation.webflux.SpringAiWebFluxInstrumentation;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The libraries the agent instruments, each known at start-up only by what is needed before one of
 * its classes loads: the classes its support weaves and the line the start message gives it. The
 * support itself ({@link #support()}: version ranges, references, hooks; about 25 classes for
 * langchain4j-mcp, as many for the WebFlux transports) is built the first time one of those classes
 * loads, or when the set-up finds the library on the class path: an application that uses one
 * library does not load the others'. {@code LibraryTest} proves that both stay equal to what the
 * support declares.
 */
public enum Library implements Instrumented {
  MCP_SDK(
      "McpSdkInstrumentation",
      "MCP Java SDK (tested 0.16.x to 2.1.x; HttpClientSseClientTransport,"
          + " HttpClientStreamableHttpTransport)",
      "io.modelcontextprotocol.client.McpAsyncClient",
      "io.modelcontextprotocol.client.McpSyncClient",
      "io.modelcontextprotocol.client.LifecycleInitializer",
      "io.modelcontextprotocol.spec.McpClientSession",
      "io.modelcontextprotocol.client.transport.HttpClientSseClientTransport",
      "io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport"),
  SDK_WEBFLUX(
      "SdkWebFluxInstrumentation",
      "MCP Java SDK WebFlux transports (tested 0.17.x; WebFluxSseClientTransport,"
          + " WebClientStreamableHttpTransport)",
      "io.modelcontextprotocol.client.transport.WebFluxSseClientTransport",
      "io.modelcontextprotocol.client.transport.WebClientStreamableHttpTransport",
      "org.springframework.http.client.ReactorResourceFactory"),
  SPRING_AI_WEBFLUX(
      "SpringAiWebFluxInstrumentation",
      "Spring AI WebFlux transports (tested 2.0.x; WebFluxSseClientTransport,"
          + " WebClientStreamableHttpTransport)",
      "org.springframework.ai.mcp.client.webflux.transport.WebFluxSseClientTransport",
      "org.springframework.ai.mcp.client.webflux.transport.WebClientStreamableHttpTransport"),
  LANGCHAIN4J(
      "Langchain4jInstrumentation",
      "langchain4j-mcp (tested 1.11.x to 1.18.x; HttpMcpTransport, StreamableHttpMcpTransport)",
      "dev.langchain4j.mcp.client.DefaultMcpClient",
      "dev.langchain4j.mcp.client.transport.McpOperationHandler",
      "dev.langchain4j.mcp.client.transport.http.HttpMcpTransport",
      "dev.langchain4j.mcp.client.transport.http.SseEventListener",
      "dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport",
      "dev.langchain4j.mcp.client.transport.http.SseSubscriber");

  /** The classes some library's support weaves, by internal name (a/b/C). */
  private static final Set<String> WOVEN = new HashSet<>();

  static {
    for (Library l : values()) {
      for (String name : l.typeNames) {
        WOVEN.add(name.replace('.', '/'));
      }
    }
  }

  // the simple name of its support's class (its key in the build's index), as a name: a class
  // literal would load the class, and an application with one library does not load the others'
  private final String supportName;
  private final String description;
  private final List<String> typeNames;
  private final Map<ClassLoader, Boolean> presence = new WeakHashMap<>(); // guarded by itself

  Library(String supportName, String description, String... typeNames) {
    this.supportName = supportName;
    this.description = description;
    this.typeNames = List.of(typeNames);
  }

  /**
   * Whether some library's support weaves the class of this internal name (a/b/C): known before the
   * agent's set-up, so that no other class ever waits for it.
   */
  public static boolean weaves(String internalName) {
    return WOVEN.contains(internalName);
  }

  /** For the start line: library, tested versions, transports. */
  public String description() {
    return description;
  }

  /** The fully qualified names of the classes its support weaves, in any of its version ranges. */
  @Override
  public List<String> typeNames() {
    return typeNames;
  }

  /**
   * Whether {@code loader} has the library's first class, found as a resource (nothing is loaded,
   * nothing is built), once per loader: the answer is kept while the loader lives.
   */
  @Override
  public boolean mayBeIn(ClassLoader loader) {
    if (loader == null) {
      return false;
    }
    synchronized (presence) {
      Boolean known = presence.get(loader);
      if (known != null) {
        return known;
      }
    }
    // a resource the loader lacks is looked for in every module and jar: the set-up's two threads
    // ask for the same loaders
    return lookIn(loader);
  }

  /**
   * Whether {@code loader} has the library's first class now, the answer kept for {@link #mayBeIn}.
   */
  @Override
  public boolean lookIn(ClassLoader loader) {
    if (loader == null) {
      return false;
    }
    boolean found = loader.getResource(typeNames.get(0).replace('.', '/') + ".class") != null;
    synchronized (presence) {
      presence.put(loader, found);
    }
    return found;
  }

  /**
   * Takes ahead, for {@code loader}, the build's reference check of the class files it serves
   * ({@link Prebuilt#checkAhead}), without building the library's support: the support's name is
   * all the index needs.
   */
  public void checkAhead(ClassLoader loader) {
    Prebuilt.get().checkAhead(supportName, loader);
  }

  /** The library's support, built the first time it is asked for. */
  @Override
  public LibraryInstrumentation support() {
    switch (this) {
      case MCP_SDK:
        return McpSdkInstrumentation.INSTANCE;
      case SDK_WEBFLUX:
        return SdkWebFluxInstrumentation.INSTANCE;
      case SPRING_AI_WEBFLUX:
        return SpringAiWebFluxInstrumentation.INSTANCE;
      default:
        return Langchain4jInstrumentation.INSTANCE;
    }
  }
}
