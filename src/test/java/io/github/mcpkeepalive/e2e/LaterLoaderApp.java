package io.github.mcpkeepalive.e2e;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An application that brings its MCP library in a class loader of its own, made once the agent is
 * set up (a plugin's, say), although the class path holds the library too: the sample app, run from
 * a loader over the class path's jars (this class's folder left out) that looks in them before its
 * parent, the class path's loader, as a web application's or a plugin's loader does, so that every
 * class of the SDK is loaded anew there. Only the JDK's and the agent's classes come from the
 * parent. With the system property {@code later.class.path} the loader takes that path instead, and
 * the class path need not hold the library; with {@code later.await}, the app waits (20 s at most)
 * until that class has been loaded there by someone else before it starts.
 */
public final class LaterLoaderApp {

  private LaterLoaderApp() {}

  public static void main(String[] args) throws Exception {
    // the agent sets this property once it is set up (after its start line); 20 s at most
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.getProperty("io.github.mcpkeepalive.version") == null
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    if (System.getProperty("io.github.mcpkeepalive.version") == null) {
      System.out.println("LATER LOADER the agent did not set up within 20 s");
      System.exit(3);
    }
    String own =
        Path.of(LaterLoaderApp.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    List<URL> urls = new ArrayList<>();
    String path = System.getProperty("later.class.path", System.getProperty("java.class.path"));
    for (String entry : path.split(File.pathSeparator)) {
      if (!Path.of(entry).toString().equals(own)) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    try (ChildFirst later = new ChildFirst(urls.toArray(new URL[0]))) {
      Class<?> app = later.loadClass("io.github.mcpkeepalive.sample.SampleApp");
      System.out.println("LATER LOADER " + app.getClassLoader().getName());
      String awaited = System.getProperty("later.await");
      if (awaited != null) {
        // the agent loads it there once the loader has defined a class; the app never did yet
        long until = System.nanoTime() + 20_000_000_000L;
        while (!later.loaded(awaited) && System.nanoTime() < until) {
          Thread.sleep(10);
        }
        System.out.println(
            "LATER LOADER "
                + awaited
                + (later.loaded(awaited)
                    ? " loaded before the app's first MCP class"
                    : " not loaded within 20 s"));
      }
      // as a plugin host does: the SDK finds its JSON mapper through the context loader
      Thread.currentThread().setContextClassLoader(later);
      app.getMethod("main", String[].class).invoke(null, (Object) args);
    }
  }

  /** Its own jars first, then its parent. */
  private static final class ChildFirst extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    ChildFirst(URL[] urls) {
      super("later", urls, ClassLoader.getSystemClassLoader());
    }

    /** Whether the class of binary name {@code name} was loaded by this loader. */
    boolean loaded(String name) {
      synchronized (getClassLoadingLock(name)) {
        return findLoadedClass(name) != null;
      }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("java.")
          || name.startsWith("javax.")
          || name.startsWith("jdk.")
          || name.startsWith("sun.")
          || (name.startsWith("io.github.mcpkeepalive.")
              && !name.startsWith("io.github.mcpkeepalive.sample."))) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          try {
            c = findClass(name);
          } catch (ClassNotFoundException e) {
            return super.loadClass(name, resolve);
          }
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }
}
