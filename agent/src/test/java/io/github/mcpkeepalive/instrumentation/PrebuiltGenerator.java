package io.github.mcpkeepalive.instrumentation;

import io.github.mcpkeepalive.core.Log;
import io.github.mcpkeepalive.instrumentation.langchain4j.Langchain4jInstrumentation;
import io.github.mcpkeepalive.instrumentation.mcpsdk.McpSdkInstrumentation;
import io.github.mcpkeepalive.instrumentation.refs.ClassFiles;
import io.github.mcpkeepalive.instrumentation.weave.ClassWeaver;
import io.github.mcpkeepalive.instrumentation.webflux.SdkWebFluxInstrumentation;
import io.github.mcpkeepalive.instrumentation.webflux.SpringAiWebFluxInstrumentation;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Run by the build before the agent's tests ({@code process-test-classes}): takes, for every tested
 * library version, the decision the agent takes at run time and weaves the classes of the chosen
 * range, and writes both into the agent's classes as {@link Prebuilt}'s index and woven class
 * files.
 *
 * <pre>PrebuiltGenerator LIBRARY_JARS_FOLDER CLASSES_FOLDER</pre>
 */
public final class PrebuiltGenerator {

  /** A tested version: the library support and the folders of its jars and their dependencies. */
  record Version(LibraryInstrumentation library, String... folders) {}

  static final List<Version> VERSIONS =
      List.of(
          sdk("0.16.0"),
          sdk("0.17.0"),
          sdk("0.18.2"),
          sdk("1.0.0"),
          sdk("1.1.5"),
          sdk("2.0.0"),
          sdk("2.0.1"),
          sdk("2.1.0"),
          new Version(
              SdkWebFluxInstrumentation.INSTANCE,
              "mcp-spring-webflux-0.16.0",
              "spring-6.2",
              "reactor-netty-1.2",
              "reactor"),
          new Version(
              SdkWebFluxInstrumentation.INSTANCE,
              "mcp-spring-webflux-0.17.0",
              "spring-6.2",
              "reactor-netty-1.2",
              "reactor"),
          new Version(
              SdkWebFluxInstrumentation.INSTANCE,
              "mcp-spring-webflux-0.18.1",
              "spring-6.2",
              "reactor-netty-1.2",
              "reactor"),
          new Version(
              SpringAiWebFluxInstrumentation.INSTANCE,
              "spring-ai-mcp-spring-webflux-2.0.0",
              "spring-7.0",
              "reactor-netty-1.3",
              "reactor"),
          l4j("1.11.0-beta19"),
          l4j("1.12.2-beta22"),
          l4j("1.13.0-beta23"),
          l4j("1.15.1-beta25"),
          l4j("1.18.1-beta28"));

  private static Version sdk(String v) {
    return new Version(McpSdkInstrumentation.INSTANCE, "mcp-java-sdk-" + v, "reactor");
  }

  private static Version l4j(String v) {
    return new Version(Langchain4jInstrumentation.INSTANCE, "langchain4j-mcp-" + v, "okhttp");
  }

  /**
   * The Reactor versions an SDK version meets: the one of its own POM (3.7.0), of Spring Boot 3.5
   * (3.7.12, the folder {@code reactor}) and of Spring Boot 4 (3.8.6). A check reads Reactor's
   * classes too, so the build records it on each.
   */
  static final List<String> REACTORS = List.of("reactor", "reactor-3.7.0", "reactor-3.8.6");

  /** {@code v}'s folders with its Reactor replaced by {@code reactor}. */
  static String[] withReactor(Version v, String reactor) {
    String[] folders = v.folders().clone();
    for (int i = 0; i < folders.length; i++) {
      if (folders[i].equals("reactor")) {
        folders[i] = reactor;
      }
    }
    return folders;
  }

  private PrebuiltGenerator() {}

  public static void main(String[] args) throws IOException {
    Log.setLevel(Log.Level.WARN); // the decisions' lines are the run time's, not the build's
    Path jars = Path.of(args[0]);
    Path out = Path.of(args[1]).resolve(Prebuilt.FOLDER);
    Files.createDirectories(out);
    // the checks below are made in full: an index of an earlier build must not answer them
    Files.deleteIfExists(out.resolve("index.txt"));
    Set<String> lines = new TreeSet<>();
    int woven = 0;
    for (Version v : VERSIONS) {
      ClassLoader loader = loader(jars, v.folders());
      InstrumentationModule chosen = v.library().moduleFor(loader); // as at run time
      if (chosen == null) {
        throw new IllegalStateException(v.folders()[0] + ": no version range matches");
      }
      for (String reactor : REACTORS) {
        ClassLoader on = reactor.equals("reactor") ? loader : loader(jars, withReactor(v, reactor));
        InstrumentationModule same = v.library().moduleFor(on);
        if (same != chosen) {
          throw new IllegalStateException(v.folders()[0] + " on " + reactor + ": " + same);
        }
        lines.add(
            "checked "
                + v.library().key()
                + " "
                + chosen.name()
                + " "
                + v.library().filesChecked(on));
      }
      for (String name : chosen.typeNames()) {
        byte[] original = ClassFiles.read(loader, name);
        if (original == null) {
          continue;
        }
        // the hooks' visibility is checked at run time against the application's loader
        byte[] bytes =
            ClassWeaver.weave(
                original, chosen.hooksFor(name), PrebuiltGenerator.class.getClassLoader());
        String sum = Prebuilt.sum(original);
        String resource = name + "-" + sum.replace(':', '-') + ".bin";
        Files.write(out.resolve(resource), bytes);
        if (lines.add(
            "woven " + chosen.name() + " " + name.replace('.', '/') + " " + sum + " " + resource)) {
          woven++;
        }
      }
    }
    Files.write(out.resolve("index.txt"), lines);
    System.out.println(
        "[prebuilt] "
            + VERSIONS.size()
            + " library versions decided, "
            + woven
            + " distinct classes woven into "
            + out);
  }

  static ClassLoader loader(Path jars, String... folders) throws IOException {
    List<URL> urls = new ArrayList<>();
    for (String folder : folders) {
      Path dir = jars.resolve(folder);
      if (!Files.isDirectory(dir)) {
        throw new IllegalStateException(dir + " is copied by the build (generate-test-resources)");
      }
      try (Stream<Path> list = Files.list(dir)) {
        for (Path jar : (Iterable<Path>) list::iterator) {
          urls.add(jar.toUri().toURL());
        }
      }
    }
    return new URLClassLoader(urls.toArray(new URL[0]), null);
  }
}
