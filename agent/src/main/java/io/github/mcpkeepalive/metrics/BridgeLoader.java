package io.github.mcpkeepalive.metrics;

import io.github.mcpkeepalive.instrumentation.refs.ClassFiles;
import java.io.IOException;

/**
 * Defines one bridge package's classes beside the application's: its parent is the application's
 * class loader, so a bridge links against the application's own metrics API (which the agent's
 * class loader may not see: a Spring Boot fat jar keeps its libraries in a loader of its own); the
 * agent's other classes come from the agent's loader, so that both sides share {@link
 * MetricsBackend} and {@link MetricGroup}. The bridge's class files are read from the agent's jar,
 * where no API class travels with them (the APIs are {@code provided} at build time).
 */
final class BridgeLoader extends ClassLoader {

  static {
    registerAsParallelCapable();
  }

  private static final String AGENT_PACKAGE = "io.github.mcpkeepalive.";

  private final ClassLoader agent;
  private final String bridgePackage;

  /**
   * @param bridgePackage the package whose classes are defined here ({@code a.b.}), the bridge
   */
  BridgeLoader(ClassLoader application, ClassLoader agent, String bridgePackage) {
    super("mcp-keepalive-metrics", application);
    this.agent = agent;
    this.bridgePackage = bridgePackage;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        if (name.startsWith(bridgePackage)) {
          c = define(name);
        } else if (name.startsWith(AGENT_PACKAGE)) {
          c = Class.forName(name, false, agent);
        } else {
          c = getParent().loadClass(name);
        }
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }

  private Class<?> define(String name) throws ClassNotFoundException {
    byte[] bytes;
    try {
      bytes = ClassFiles.read(agent, name);
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
    if (bytes == null) {
      throw new ClassNotFoundException(name);
    }
    return defineClass(name, bytes, 0, bytes.length, BridgeLoader.class.getProtectionDomain());
  }
}
