package io.github.mcpkeepalive.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

/**
 * What the agent knows of each library before building its support ({@link Library}) is what the
 * support declares: the classes it weaves, in all its version ranges, and its start line.
 */
class LibraryTest {

  @Test
  void eachLibraryNamesTheClassesItsSupportWeaves() {
    for (Library l : Library.values()) {
      assertEquals(new HashSet<>(l.support().typeNames()), new HashSet<>(l.typeNames()), l.name());
    }
  }

  @Test
  void eachLibraryGivesTheStartLineItsSupportGives() {
    for (Library l : Library.values()) {
      assertEquals(l.support().description(), l.description(), l.name());
    }
  }

  @Test
  void aLibraryIsFoundWhereItsFirstClassIs() {
    ClassLoader tests = getClass().getClassLoader(); // has the SDK and langchain4j-mcp
    assertTrue(Library.MCP_SDK.mayBeIn(tests));
    assertTrue(Library.LANGCHAIN4J.mayBeIn(tests));
    assertFalse(Library.MCP_SDK.mayBeIn(ClassLoader.getPlatformClassLoader()));
  }

  @Test
  void theCheckTakenAheadIsTheOneItsSupportsDecisionFinds() {
    ClassLoader tests = getClass().getClassLoader();
    for (Library l : Library.values()) {
      l.checkAhead(tests);
      assertTrue(Prebuilt.get().checkedAhead(l.support().key(), tests), l.name());
    }
  }
}
