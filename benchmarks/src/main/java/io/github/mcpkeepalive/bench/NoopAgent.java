package io.github.mcpkeepalive.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The least a Java agent that weaves classes as they load can cost: it registers a transformer that
 * changes nothing. With it attached, the JVM hands every class it loads to Java code, and reads the
 * bytes of the classes it would have mapped from its shared archive; the start-up benchmark runs
 * the sample app with it too, so that the agent's own cost can be told from the JVM's.
 */
public final class NoopAgent implements ClassFileTransformer {

  public static void premain(String args, Instrumentation inst) {
    inst.addTransformer(new NoopAgent(), false);
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String className,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] bytes) {
    return null;
  }

  /** A jar with this agent alone, written to {@code dir}. */
  static Path jar(Path dir) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Premain-Class", NoopAgent.class.getName());
    Path jar = dir.resolve("noop-agent.jar");
    String entry = NoopAgent.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest);
        InputStream in = NoopAgent.class.getClassLoader().getResourceAsStream(entry)) {
      if (in == null) {
        throw new IOException(entry + " not found");
      }
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }
}
