package io.github.mcpkeepalive.e2e;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** Reads the agent's MBeans in another JVM, as an operator's JMX console would. */
final class Jmx implements AutoCloseable {

  private final JMXConnector connector;
  private final MBeanServerConnection mbs;

  Jmx(long pid) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
    try {
      connector = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
    } finally {
      vm.detach();
    }
    mbs = connector.getMBeanServerConnection();
  }

  /** The connection with this transport: its attributes by name. */
  Map<String, Object> connection(String transport) throws Exception {
    for (ObjectName n : mbs.queryNames(new ObjectName("mcp.keepalive:type=Connection,*"), null)) {
      if (transport.equals(mbs.getAttribute(n, "Transport"))) {
        Map<String, Object> m = new HashMap<>();
        for (Object a :
            mbs.getAttributes(
                n,
                new String[] {
                  "Id",
                  "State",
                  "Url",
                  "Library",
                  "PingsSent",
                  "PingsFailed",
                  "ReconnectAttempts",
                  "ReconnectSuccesses",
                  "LastErrorClass",
                  "LastErrorMessage",
                  "LastPingRttMillis",
                  "MillisInState"
                })) {
          m.put(((Attribute) a).getName(), ((Attribute) a).getValue());
        }
        return m;
      }
    }
    throw new AssertionError("no MBean for a " + transport + " connection");
  }

  /** The JVM's count of the classes it has loaded since it started. */
  long classesLoaded() throws Exception {
    return (Long)
        mbs.getAttribute(new ObjectName("java.lang:type=ClassLoading"), "TotalLoadedClassCount");
  }

  Object agent(String attribute) throws Exception {
    return mbs.getAttribute(new ObjectName("mcp.keepalive:type=Agent"), attribute);
  }

  @Override
  public void close() throws IOException {
    connector.close();
  }
}
