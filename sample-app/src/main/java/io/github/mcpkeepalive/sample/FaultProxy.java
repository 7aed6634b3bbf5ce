package io.github.mcpkeepalive.sample;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy that behaves like a production load balancer and can be told to misbehave: it cuts
 * connections on which no byte moved for {@code idleCutMillis}, kills all connections on demand,
 * and blackholes the path (keeps sockets open, forwards nothing; connections blackholed stay dead
 * after the path returns, like TCP links dropped by a firewall).
 */
public final class FaultProxy implements Closeable {

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final Set<Pipe> pipes = ConcurrentHashMap.newKeySet();
  private final AtomicInteger idleCuts = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile long idleCutMillis;
  private volatile boolean blackhole;
  private volatile boolean closed;

  public FaultProxy(int listenPort, int targetPort, long idleCutMillis) throws IOException {
    this.listener = new ServerSocket();
    this.listener.setReuseAddress(true);
    this.listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    this.idleCutMillis = idleCutMillis;
    daemon("proxy-accept-" + port(), this::acceptLoop).start();
    daemon("proxy-idle-" + port(), this::idleLoop).start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  public void setIdleCutMillis(long millis) {
    this.idleCutMillis = millis;
  }

  /** While on, no byte is forwarded on any connection, old or new; sockets stay open. */
  public void setBlackhole(boolean on) {
    if (on) {
      for (Pipe p : pipes) {
        p.dead = true;
      }
    }
    this.blackhole = on;
  }

  public boolean blackhole() {
    return blackhole;
  }

  /** Closes every open connection at once, as a restarting load balancer would. */
  public void killAll() {
    for (Pipe p : pipes) {
      p.close();
    }
  }

  public int idleCuts() {
    return idleCuts.get();
  }

  public int accepted() {
    return accepted.get();
  }

  public int open() {
    return pipes.size();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        accepted.incrementAndGet();
        Pipe pipe = new Pipe(client);
        pipes.add(pipe);
        daemon("proxy-conn", pipe::connect).start();
      } catch (IOException e) {
        if (!closed) {
          sleepQuietly(10);
        }
      }
    }
  }

  private void idleLoop() {
    while (!closed) {
      sleepQuietly(100);
      long limit = idleCutMillis;
      if (limit <= 0) {
        continue;
      }
      long now = System.currentTimeMillis();
      for (Pipe p : pipes) {
        if (p.upstream != null && !p.dead && now - p.lastActivity > limit) {
          idleCuts.incrementAndGet();
          p.close();
        }
      }
    }
  }

  private final class Pipe {
    final Socket client;
    volatile Socket upstream;
    volatile long lastActivity = System.currentTimeMillis();
    volatile boolean dead;

    Pipe(Socket client) {
      this.client = client;
      this.dead = blackhole;
    }

    void connect() {
      if (dead) {
        // a blackholed connect: the SYN is answered by the LB, nothing ever comes back
        drain(client);
        return;
      }
      try {
        Socket up = new Socket();
        up.connect(target, 2000);
        upstream = up;
        lastActivity = System.currentTimeMillis();
        daemon("proxy-up", () -> pump(client, up)).start();
        pump(up, client);
      } catch (IOException e) {
        close();
      }
    }

    void pump(Socket from, Socket to) {
      byte[] buf = new byte[16384];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          if (dead) {
            continue; // swallowed by the blackhole
          }
          lastActivity = System.currentTimeMillis();
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // connection ended
      }
      if (!dead || from == client) {
        close(); // a blackholed link never tells the client that the server side ended
      }
    }

    void drain(Socket s) {
      byte[] buf = new byte[4096];
      try {
        InputStream in = s.getInputStream();
        while (in.read(buf) >= 0) {
          // discard
        }
      } catch (IOException ignored) {
        // ended
      }
      close();
    }

    void close() {
      pipes.remove(this);
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    killAll();
  }

  static void closeQuietly(Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  static void closeQuietly(Socket s) {
    if (s == null) {
      return;
    }
    try {
      s.close();
    } catch (SocketException ignored) {
      // already closed
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
