package io.github.mcpkeepalive.instrumentation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TargetPackagesTest {

  @Test
  void everyClassSomeSupportWeavesIsCovered() {
    int n = 0;
    for (LibraryInstrumentation library : HooksTest.LIBRARIES) {
      for (String type : library.typeNames()) {
        String name = type.replace('.', '/');
        assertTrue(TargetPackages.covers(name), name);
        n++;
      }
    }
    assertTrue(n > 15, "all the woven classes: " + n);
  }

  @Test
  void otherClassesAreNot() {
    for (String name :
        new String[] {
          "java/lang/String",
          "org/springframework/http/client/reactive/ReactorClientHttpConnector",
          "dev/langchain4j/model/chat/ChatModel",
          "io/github/mcpkeepalive/core/Log",
          "reactor/core/publisher/Mono"
        }) {
      assertFalse(TargetPackages.covers(name), name);
    }
  }
}
