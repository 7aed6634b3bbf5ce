package io.github.mcpkeepalive.metrics;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The real {@link Discovery}: looks for the APIs as resources of the application's class loader (no
 * class is loaded when they are absent), and never makes OpenTelemetry's global instance exist
 * before the application does: {@code GlobalOpenTelemetry.get()} called before the application sets
 * its SDK would fix a no-op instance for good and make the application's own {@code set} throw. So
 * {@code get()} is called only once the global is set ({@code isSet()}, or for an API older than
 * that method its static field read reflectively, which starts no autoconfiguration), or when the
 * OpenTelemetry Java agent runs: it hands the application its own instance from {@code get()} and
 * ignores {@code set}, so asking then fixes nothing.
 *
 * <p>One API per application class loader: OpenTelemetry when its global is there, else
 * Micrometer's global registry, else OpenTelemetry once it is set. Never both, so that a backend
 * that bridges one into the other (the OpenTelemetry Java agent can bridge Micrometer) does not
 * count every figure twice.
 */
final class Backends implements Discovery {

  static final String OTEL_GLOBAL = "io.opentelemetry.api.GlobalOpenTelemetry";
  static final String MICROMETER_METRICS = "io.micrometer.core.instrument.Metrics";

  /** A class every OpenTelemetry Java agent (1.x, 2.x) puts on the bootstrap class path. */
  static final String OTEL_JAVAAGENT = "io.opentelemetry.javaagent.bootstrap.AgentInitializer";

  static final String OTEL_BRIDGE = "io.github.mcpkeepalive.metrics.otel.OtelBackend";
  static final String MICROMETER_BRIDGE =
      "io.github.mcpkeepalive.metrics.micrometer.MicrometerBackend";

  private final Set<Api> apis;

  /** Every API. */
  Backends() {
    this(EnumSet.allOf(Api.class));
  }

  /** Only {@code apis} (tests, whose class path has both). */
  Backends(Set<Api> apis) {
    this.apis = EnumSet.copyOf(apis);
  }

  @Override
  public Found find(ClassLoader loader, Set<Api> excluded) {
    boolean otel = usable(Api.OPENTELEMETRY, excluded) && has(loader, OTEL_GLOBAL);
    if (otel) {
      try {
        if (otelReady(loader)) {
          return new Found(Api.OPENTELEMETRY, false);
        }
      } catch (RuntimeException e) {
        MetricsPublisher.bridgeFailed(Api.OPENTELEMETRY, e);
        otel = false; // not asked again
      }
    }
    if (usable(Api.MICROMETER, excluded) && has(loader, MICROMETER_METRICS)) {
      return new Found(Api.MICROMETER, false);
    }
    return new Found(null, otel);
  }

  private boolean usable(Api api, Set<Api> excluded) {
    return apis.contains(api) && !excluded.contains(api);
  }

  private static boolean has(ClassLoader loader, String className) {
    return loader.getResource(className.replace('.', '/') + ".class") != null;
  }

  /**
   * Whether the application's OpenTelemetry global may be asked for. Throws (a bridge failure) when
   * that cannot be told: an API with neither {@code isSet()} nor the field, or one in a named
   * module that keeps the field closed.
   */
  static boolean otelReady(ClassLoader loader) {
    if (otelJavaagent()) {
      return true;
    }
    try {
      Class<?> global = Class.forName(OTEL_GLOBAL, false, loader);
      try {
        return (Boolean) global.getMethod("isSet").invoke(null); // API 1.57 and later
      } catch (NoSuchMethodException older) {
        Field f = global.getDeclaredField("globalOpenTelemetry");
        f.setAccessible(true);
        return f.get(null) != null;
      }
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("GlobalOpenTelemetry.isSet() failed", e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot tell whether the application set GlobalOpenTelemetry", e);
    }
  }

  static boolean otelJavaagent() {
    try {
      Class.forName(OTEL_JAVAAGENT, false, null);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  @Override
  public MetricsBackend create(
      Api api, ClassLoader loader, String version, Consumer<Throwable> failed) throws Exception {
    String bridge = api == Api.OPENTELEMETRY ? OTEL_BRIDGE : MICROMETER_BRIDGE;
    BridgeLoader classes =
        new BridgeLoader(
            loader,
            Backends.class.getClassLoader(),
            bridge.substring(0, bridge.lastIndexOf('.') + 1));
    try {
      return (MetricsBackend)
          classes
              .loadClass(bridge)
              .getConstructor(String.class, Consumer.class)
              .newInstance(version, failed);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw cause instanceof Exception ? (Exception) cause : new IllegalStateException(cause);
    }
  }
}
