package io.github.mcpkeepalive.sample.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line every sample application shares: {@code --server spec} (repeatable), {@code
 * --config servers.json}, {@code --every 12s}, {@code --calls 5}, {@code --request-timeout 10s},
 * {@code --startup-retry 0s} (how long a failed start is tried again). An application adds options
 * of its own through {@link Extra}.
 */
public final class SampleArgs {

  /**
   * Reads a {@code --config} file: {@code [{"name","url","transport","token"}]} or {@code
   * {"servers":[…]}}.
   */
  public interface ConfigReader {
    List<ServerSpec> read(Path file) throws Exception;
  }

  /** An option of the application's own: returns false when {@code option} is not one. */
  public interface Extra {
    boolean accept(String option, String value);
  }

  public final List<ServerSpec> servers = new ArrayList<>();
  public Duration every = Duration.ofSeconds(12);
  public int calls = 5;
  public Duration requestTimeout = Duration.ofSeconds(10);
  public Duration startupRetry = Duration.ZERO;

  private SampleArgs() {}

  /**
   * Parses {@code args}; an unknown option or no server ends the JVM with status 2 and a message.
   */
  public static SampleArgs parse(String[] args, ConfigReader config, Extra extra) throws Exception {
    SampleArgs a = new SampleArgs();
    for (int i = 0; i < args.length; i += 2) {
      String option = args[i];
      if (i + 1 == args.length) {
        fail("missing value for " + option);
      }
      String v = args[i + 1];
      switch (option) {
        case "--server" -> a.servers.add(ServerSpec.parse(v));
        case "--config" -> a.servers.addAll(config.read(Path.of(v)));
        case "--every" -> a.every = CallSchedule.duration(v);
        case "--calls" -> a.calls = Integer.parseInt(v);
        case "--request-timeout" -> a.requestTimeout = CallSchedule.duration(v);
        case "--startup-retry" -> a.startupRetry = CallSchedule.duration(v);
        default -> {
          if (!extra.accept(option, v)) {
            fail("unknown argument: " + option);
          }
        }
      }
    }
    if (a.servers.isEmpty()) {
      fail(
          "no server given; use --server name=a,url=http://127.0.0.1:8080/mcp,transport=streamable");
    }
    return a;
  }

  private static void fail(String message) {
    System.err.println(message);
    System.exit(2);
  }
}
