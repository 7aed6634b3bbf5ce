package io.github.mcpkeepalive.agent;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import io.github.mcpkeepalive.core.ConfigKey;
import io.github.mcpkeepalive.core.ConfigLoader;
import io.github.mcpkeepalive.jmx.JmxPublisher;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.management.AttributeList;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code java -jar mcp-keepalive-agent.jar status <pid> | attach <pid> [key=value,…] | --help |
 * --version}: looks at, or loads the agent into, a running JVM through the Attach API.
 */
public final class Cli {

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar mcp-keepalive-agent.jar <command>",
          "  status <pid>                 the MCP connections of that JVM and their keepalive state",
          "  attach <pid> [key=value,…]   load the agent into that running JVM (same keys as -javaagent)",
          "  --version                    the agent's version",
          "  --help                       this text",
          "",
          "configuration keys (-javaagent:mcp-keepalive-agent.jar=key=value,…, -Dmcp.keepalive.<key>=…,",
          "MCP_KEEPALIVE_<KEY>=…, or in the JSON file given by config):",
          ConfigKey.help(ConfigKey.Scope.AGENT)
              + "fields of a server entry in that file (\"servers\": [...] or \"mcpServers\": {...}):",
          ConfigKey.help(ConfigKey.Scope.SERVER));

  private final PrintStream out;
  private final PrintStream err;

  Cli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new Cli(System.out, System.err).run(args));
  }

  /** Runs a command; returns the exit code (0 ok, 1 failed, 2 bad usage). */
  int run(String[] args) {
    if (args.length == 0
        || args[0].equals("--help")
        || args[0].equals("-h")
        || args[0].equals("help")) {
      (args.length == 0 ? err : out).println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    if (args[0].equals("--version") || args[0].equals("version")) {
      out.println("mcp-keepalive-agent " + KeepaliveAgent.version());
      return 0;
    }
    String command = args[0];
    if (!command.equals("status") && !command.equals("attach")) {
      err.println("unknown command '" + command + "'\n" + USAGE);
      return 2;
    }
    if (args.length < 2) {
      err.println(command + ": which JVM? give its process id (jps lists them)\n" + USAGE);
      return 2;
    }
    long pid;
    try {
      pid = Long.parseLong(args[1]);
    } catch (NumberFormatException e) {
      err.println(command + ": not a process id: '" + args[1] + "'");
      return 2;
    }
    String agentArgs = args.length > 2 ? args[2] : "";
    if (command.equals("attach")) {
      ConfigLoader.Result check = ConfigLoader.load(agentArgs, Map.of(), Map.of());
      if (!check.errors.isEmpty()) {
        check.errors.forEach(e -> err.println("attach: " + e));
        return 2;
      }
    }
    VirtualMachine vm;
    try {
      vm = attachTo(pid);
    } catch (CliException e) {
      err.println(command + ": " + e.getMessage());
      return 1;
    }
    try {
      return command.equals("status") ? status(vm, pid) : attach(vm, pid, agentArgs);
    } catch (Exception e) {
      err.println(
          command
              + ": JVM "
              + pid
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      return 1;
    } finally {
      try {
        vm.detach();
      } catch (IOException ignored) {
        // the JVM went away
      }
    }
  }

  /** A failure with a message meant for the user as it is. */
  static final class CliException extends Exception {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
      super(message);
    }
  }

  private static VirtualMachine attachTo(long pid) throws CliException {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      throw new CliException("no process with pid " + pid);
    }
    if (pid == ProcessHandle.current().pid()) {
      throw new CliException("pid " + pid + " is this command itself");
    }
    String me = System.getProperty("user.name");
    Optional<String> owner = process.get().info().user();
    if (owner.isPresent() && !owner.get().equals(me) && !"root".equals(me)) {
      throw new CliException(
          "JVM "
              + pid
              + " runs as user "
              + owner.get()
              + " and this command as "
              + me
              + "; the Attach API only connects a user to its own JVMs: run the command as "
              + owner.get());
    }
    try {
      return VirtualMachine.attach(Long.toString(pid));
    } catch (AttachNotSupportedException e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("does not support the attach mechanism")) {
        throw new CliException(
            "JVM "
                + pid
                + " has attach disabled (-XX:+DisableAttachMechanism); start it with -javaagent:mcp-keepalive-agent.jar instead");
      }
      boolean java = process.get().info().command().map(c -> c.contains("java")).orElse(true);
      throw new CliException(
          java
              ? "cannot attach to JVM " + pid + ": " + msg
              : "process " + pid + " is not a Java VM");
    } catch (IOException e) {
      throw new CliException("cannot attach to JVM " + pid + ": " + e.getMessage());
    }
  }

  private int attach(VirtualMachine vm, long pid, String agentArgs) throws Exception {
    Properties props = vm.getSystemProperties();
    String loaded = props.getProperty(KeepaliveAgent.LOADED_PROPERTY);
    if (loaded != null) {
      out.println(
          "mcp-keepalive-agent "
              + loaded
              + " is already running in JVM "
              + pid
              + "; nothing to do");
      return 0;
    }
    vm.loadAgent(ownJar(), agentArgs.isEmpty() ? null : agentArgs);
    String now = vm.getSystemProperties().getProperty(KeepaliveAgent.LOADED_PROPERTY);
    if (now == null) {
      err.println(
          "attach: the agent was loaded into JVM "
              + pid
              + " but did not start; see that JVM's standard error for the reason");
      return 1;
    }
    out.println(
        "mcp-keepalive-agent "
            + now
            + " attached to JVM "
            + pid
            + (agentArgs.isEmpty() ? "" : " with " + agentArgs)
            + "; existing MCP clients are taken over at their next request; its log goes to that JVM's standard error");
    return 0;
  }

  private static String ownJar() throws CliException {
    try {
      Path jar = Path.of(Cli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!jar.toString().endsWith(".jar")) {
        throw new CliException(
            "run this command from the agent jar (java -jar mcp-keepalive-agent.jar)");
      }
      return jar.toAbsolutePath().toString();
    } catch (java.net.URISyntaxException e) {
      throw new CliException("cannot locate the agent jar: " + e.getMessage());
    }
  }

  private int status(VirtualMachine vm, long pid) throws Exception {
    String loaded = vm.getSystemProperties().getProperty(KeepaliveAgent.LOADED_PROPERTY);
    if (loaded == null) {
      out.println(
          "JVM "
              + pid
              + ": mcp-keepalive-agent is not running there; load it with: java -jar "
              + new File(ownJarOrName()).getName()
              + " attach "
              + pid);
      return 1;
    }
    String address = vm.startLocalManagementAgent();
    try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
      MBeanServerConnection mbs = connector.getMBeanServerConnection();
      ObjectName agentName = new ObjectName(JmxPublisher.AGENT_NAME);
      // the agent publishes its beans a few seconds after it discovers the first connection
      long deadline =
          System.nanoTime() + JmxPublisher.PUBLISH_DELAY_NANOS + TimeUnit.SECONDS.toNanos(2);
      while (!mbs.isRegistered(agentName) && System.nanoTime() < deadline) {
        Thread.sleep(200); // polling the target JVM, bounded by the deadline
      }
      if (!mbs.isRegistered(agentName)) {
        out.println(
            "JVM "
                + pid
                + ": mcp-keepalive-agent "
                + loaded
                + " running; no MCP connection discovered yet");
        return 0;
      }
      String config = (String) mbs.getAttribute(agentName, "Configuration");
      TabularData perState = (TabularData) mbs.getAttribute(agentName, "ConnectionsPerState");
      List<String> counts = new ArrayList<>();
      for (Object row : perState.values()) {
        CompositeData cd = (CompositeData) row;
        int n = (Integer) cd.get("value");
        if (n > 0) {
          counts.add(cd.get("key") + "=" + n);
        }
      }
      Set<ObjectName> names =
          new TreeSet<>((a, b) -> compareIds(a.getKeyProperty("name"), b.getKeyProperty("name")));
      names.addAll(
          mbs.queryNames(new ObjectName(JmxPublisher.DOMAIN + ":type=Connection,*"), null));
      out.println(
          "JVM "
              + pid
              + ": mcp-keepalive-agent "
              + loaded
              + ", "
              + config
              + "; "
              + names.size()
              + " connection(s)"
              + (counts.isEmpty() ? "" : ": " + String.join(" ", counts)));
      out.println(
          "classes: "
              + mbs.getAttribute(agentName, "ClassesSeen")
              + " loaded while the agent watched class loads, "
              + mbs.getAttribute(agentName, "ClassesExamined")
              + " of them examined for instrumentation");
      String[] columns = {
        "Id",
        "Name",
        "Transport",
        "State",
        "MillisInState",
        "PingsSent",
        "PingsFailed",
        "LastPingRttMillis",
        "ReconnectAttempts",
        "ReconnectSuccesses",
        "LastErrorClass",
        "Url"
      };
      List<String[]> rows = new ArrayList<>();
      rows.add(
          new String[] {
            "ID",
            "NAME",
            "TRANSPORT",
            "STATE",
            "FOR",
            "PINGS",
            "FAILED",
            "RTT",
            "RECONNECTS",
            "LAST ERROR",
            "URL"
          });
      for (ObjectName n : names) {
        AttributeList list = mbs.getAttributes(n, columns);
        Map<String, Object> a = new java.util.HashMap<>();
        list.asList().forEach(attr -> a.put(attr.getName(), attr.getValue()));
        long rtt = (Long) a.getOrDefault("LastPingRttMillis", -1L);
        rows.add(
            new String[] {
              str(a.get("Id")),
              dash(str(a.get("Name"))),
              str(a.get("Transport")),
              str(a.get("State")),
              String.format(
                  Locale.ROOT, "%.1fs", ((Long) a.getOrDefault("MillisInState", 0L)) / 1000.0),
              str(a.get("PingsSent")),
              str(a.get("PingsFailed")),
              rtt < 0 ? "-" : rtt + "ms",
              a.get("ReconnectSuccesses") + "/" + a.get("ReconnectAttempts"),
              dash(str(a.get("LastErrorClass"))),
              str(a.get("Url"))
            });
      }
      printTable(rows);
      return 0;
    }
  }

  private static String ownJarOrName() {
    try {
      return ownJar();
    } catch (CliException e) {
      return "mcp-keepalive-agent.jar";
    }
  }

  private static int compareIds(String a, String b) {
    try {
      return Long.compare(Long.parseLong(a.substring(1)), Long.parseLong(b.substring(1)));
    } catch (RuntimeException e) {
      return String.valueOf(a).compareTo(String.valueOf(b));
    }
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }

  private static String dash(String s) {
    return s.isEmpty() ? "-" : s;
  }

  private void printTable(List<String[]> rows) {
    int[] w = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        sb.append(i == r.length - 1 ? r[i] : String.format(Locale.ROOT, "%-" + w[i] + "s  ", r[i]));
      }
      out.println(sb.toString().stripTrailing());
    }
  }
}
