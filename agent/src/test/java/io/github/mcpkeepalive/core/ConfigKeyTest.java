package io.github.mcpkeepalive.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The one table of keys: its defaults hold, and the README's tables are generated from it. */
class ConfigKeyTest {

  @Test
  void everyDeclaredDefaultIsAValueTheKeyAccepts() {
    for (ConfigKey k : ConfigKey.values()) {
      Object d = k.defaultValue();
      if (k.scope == ConfigKey.Scope.AGENT && k != ConfigKey.CONFIG) {
        assertNotNull(d, k.key + " has a default");
      }
      if (k != ConfigKey.CONFIG && k != ConfigKey.NAME && k != ConfigKey.HEADERS) {
        assertNull(k.parse("\u0000?"), k.key + " rejects garbage");
      }
    }
  }

  @Test
  void theReadmesTablesAreTheTables() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    for (ConfigKey.Scope scope : ConfigKey.Scope.values()) {
      String table = ConfigKey.markdown(scope);
      assertTrue(
          readme.contains(table),
          "README.md must hold the "
              + scope
              + " table exactly as ConfigKey.markdown prints it:\n"
              + table);
    }
  }

  @Test
  void rangesAreReadAsTheTableSays() {
    assertEquals(5_000_000_000L, ConfigKey.INTERVAL.parse("5s"));
    assertNull(ConfigKey.INTERVAL.parse("4999ms"));
    assertEquals(120_000_000_000L, ConfigKey.KEEPALIVE_INTERVAL.parse("2m"));
    assertEquals(100L, ConfigKey.FAILURE_THRESHOLD.parse("100"));
    assertNull(ConfigKey.FAILURE_THRESHOLD.parse("1.5"));
    assertEquals("streamable", ConfigKey.TYPE.parse("Streamable-HTTP"));
    assertNull(ConfigKey.TYPE.parse("websocket"));
    assertNull(ConfigKey.URL.parse("ftp://a.example.com"));
    assertNull(ConfigKey.URL.parse("/relative"));
    assertEquals(Boolean.FALSE, ConfigKey.ENABLED.parse("off"));
  }
}
