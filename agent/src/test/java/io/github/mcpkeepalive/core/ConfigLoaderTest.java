package io.github.mcpkeepalive.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  static ConfigLoader.Result load(String args) {
    return ConfigLoader.load(args, Map.of(), Map.of());
  }

  Path file(String json) throws IOException {
    Path p = dir.resolve("servers.json");
    Files.writeString(p, json);
    return p;
  }

  @Test
  void defaultsMatchTheDesign() {
    ConfigLoader.Result r = load(null);
    Settings s = r.settings;
    assertEquals(List.of(), r.errors);
    assertTrue(s.enabled);
    assertEquals(FakeTime.secs(300), s.intervalNanos);
    assertEquals(FakeTime.secs(10), s.pingTimeoutNanos);
    assertEquals(3, s.failureThreshold);
    assertEquals(FakeTime.secs(1), s.backoffInitialNanos);
    assertEquals(FakeTime.secs(300), s.backoffMaxNanos);
    assertEquals(0.1, s.jitter);
    assertEquals(Log.Level.INFO, s.logLevel);
  }

  @Test
  void theMostSpecificSourceWins() throws IOException {
    Path f =
        file(
            "{\"interval\": 40, \"ping_timeout\": 4, \"failure_threshold\": 4, \"jitter\": 0.4, \"servers\": []}");
    Map<String, String> env =
        Map.of(
            "MCP_KEEPALIVE_INTERVAL",
            "30",
            "MCP_KEEPALIVE_PING_TIMEOUT",
            "3",
            "MCP_KEEPALIVE_FAILURE_THRESHOLD",
            "5");
    Map<String, String> props =
        Map.of("mcp.keepalive.interval", "20", "mcp.keepalive.ping_timeout", "2");
    ConfigLoader.Result r = ConfigLoader.load("interval=10,config=" + f, props, env);
    assertEquals(List.of(), r.errors);
    assertEquals(FakeTime.secs(10), r.settings.intervalNanos, "agent argument beats all");
    assertEquals(
        FakeTime.secs(2),
        r.settings.pingTimeoutNanos,
        "system property beats environment and file");
    assertEquals(5, r.settings.failureThreshold, "environment beats file");
    assertEquals(0.4, r.settings.jitter, "file beats defaults");
  }

  @Test
  void durationsTakeUnits() {
    assertEquals(FakeTime.secs(30), load("interval=30").settings.intervalNanos);
    assertEquals(FakeTime.secs(30), load("interval=30s").settings.intervalNanos);
    assertEquals(FakeTime.secs(120), load("interval=2m").settings.intervalNanos);
    assertEquals(FakeTime.secs(0.5), load("backoff_initial=500ms").settings.backoffInitialNanos);
  }

  @Test
  void anOutOfRangeValueIsNamedWithItsRangeAndDisablesTheAgent() {
    ConfigLoader.Result r = load("interval=3");
    assertEquals(
        List.of(
            "invalid value for 'interval' (from agent argument): '3', accepted: 5 to 300 seconds (a number of seconds, or with a unit: 500ms, 30s, 2m)"),
        r.errors);
    assertFalse(r.settings.enabled);
    assertTrue(load("interval=301").errors.get(0).contains("'301'"));
    assertTrue(load("ping_timeout=0").errors.get(0).contains("1 to 120"));
    assertTrue(load("failure_threshold=0").errors.get(0).contains("a whole number from 1 to 100"));
    assertTrue(load("jitter=0.9").errors.get(0).contains("a number from 0 to 0.5"));
    assertEquals(
        List.of(
            "invalid value for 'backoff_jitter' (from agent argument): 'equal', accepted: one of proportional, full, decorrelated"),
        load("backoff_jitter=equal").errors);
    assertEquals(Backoff.Jitter.FULL, load("backoff_jitter=full").settings.backoffJitter);
    assertEquals(Backoff.Jitter.PROPORTIONAL, load("").settings.backoffJitter, "the default");
    assertTrue(
        load("log_level=loud").errors.get(0).contains("one of error, warn, info, debug, off"));
    assertTrue(load("enabled=maybe").errors.get(0).contains("true or false"));
    assertTrue(
        load("backoff_initial=10,backoff_max=5")
            .errors
            .get(0)
            .contains("at least backoff_initial (10 s)"));
    assertTrue(load("interval").errors.get(0).contains("expected key=value"));
    assertTrue(
        ConfigLoader.load(null, Map.of("mcp.keepalive.interval", "abc"), Map.of())
            .errors
            .get(0)
            .contains("(from system property mcp.keepalive.interval): 'abc'"));
    assertTrue(
        ConfigLoader.load(null, Map.of(), Map.of("MCP_KEEPALIVE_JITTER", "2"))
            .errors
            .get(0)
            .contains("(from environment MCP_KEEPALIVE_JITTER)"));
  }

  @Test
  void unknownKeysAreWarnedAboutNotFatal() {
    ConfigLoader.Result r = load("intervall=30");
    assertEquals(List.of(), r.errors);
    assertTrue(
        r.warnings.get(0).contains("unknown configuration key 'intervall'"), r.warnings.toString());
    assertTrue(r.settings.enabled);
  }

  @Test
  void theServerListIsReadInAllThreeShapes() throws IOException {
    String entry =
        "{\"name\": \"a\", \"url\": \"https://a.example.com/mcp\", \"type\": \"http\", \"keepalive_interval\": 30, \"headers\": {\"Authorization\": \"Bearer x\"}}";
    for (String json :
        List.of(
            "[" + entry + "]",
            "{\"servers\": [" + entry + "]}",
            "{\"mcpServers\": {\"a\": {\"url\": \"https://a.example.com/mcp\", \"type\": \"streamable\", \"keepalive_interval\": \"30s\"}}}")) {
      ConfigLoader.Result r = load("config=" + file(json));
      assertEquals(List.of(), r.errors, json);
      assertEquals(List.of(), r.warnings, json);
      assertEquals(1, r.settings.servers.size(), json);
      ServerEntry e = r.settings.servers.get(0);
      assertEquals("a", e.name());
      assertEquals(FakeTime.secs(30), e.intervalNanos());
      assertEquals(e, r.settings.serverFor("https://a.example.com/mcp?key=1", "streamable"));
      assertNull(
          r.settings.serverFor("https://a.example.com/mcp", "sse"), "type must match when given");
    }
  }

  @Test
  void aBadEntryIsDroppedWithAWarningAndTheRestApplies() throws IOException {
    ConfigLoader.Result r =
        load(
            "config="
                + file(
                    "[{\"name\": \"ok\", \"url\": \"https://a.example.com/mcp\"},"
                        + " {\"name\": \"slow\", \"url\": \"https://b.example.com/mcp\", \"keepalive_interval\": 1000},"
                        + " {\"name\": \"odd\", \"url\": \"https://c.example.com/mcp\", \"type\": \"websocket\"},"
                        + " {\"name\": \"nourl\"}]"));
    assertEquals(List.of(), r.errors);
    assertTrue(r.settings.enabled);
    assertEquals(1, r.settings.servers.size());
    assertEquals(3, r.warnings.size(), r.warnings.toString());
    assertTrue(
        r.warnings.get(0).contains("'slow'")
            && r.warnings.get(0).contains("'keepalive_interval': '1000'")
            && r.warnings.get(0).contains("5 to 300"),
        r.warnings.get(0));
    assertTrue(
        r.warnings.get(1).contains("'odd'") && r.warnings.get(1).contains("sse, streamable"),
        r.warnings.get(1));
  }

  @Test
  void anUnreadableOrMalformedFileIsAnError() throws IOException {
    assertTrue(
        load("config=" + dir.resolve("absent.json"))
            .errors
            .get(0)
            .startsWith("cannot read config file"));
    ConfigLoader.Result r = load("config=" + file("{\"servers\": [ oops"));
    assertFalse(r.errors.isEmpty());
    assertFalse(r.settings.enabled);
    assertTrue(
        load("config=" + file("42")).errors.get(0).contains("expected a JSON array of servers"));
  }

  @Test
  void everyKeyOfTheTableIsReadFromEverySourceAndItsRangeNamedWhenWrong() {
    for (ConfigKey key : ConfigKey.values()) {
      if (key.scope != ConfigKey.Scope.AGENT || key == ConfigKey.CONFIG) {
        continue;
      }
      String bad = key.key + "=not-a-value";
      List<String> errors = load(bad).errors;
      assertEquals(
          List.of(
              "invalid value for '"
                  + key.key
                  + "' (from agent argument): 'not-a-value', accepted: "
                  + key.accepted()),
          errors,
          key.key);
      String envName = "MCP_KEEPALIVE_" + key.key.toUpperCase(java.util.Locale.ROOT);
      assertEquals(
          1,
          ConfigLoader.load(null, Map.of(), Map.of(envName, "not-a-value")).errors.size(),
          envName);
      assertEquals(
          1,
          ConfigLoader.load(null, Map.of("mcp.keepalive." + key.key, "not-a-value"), Map.of())
              .errors
              .size(),
          key.key);
    }
  }

  @Test
  void theDefaultsAreTheTables() {
    Settings d = Settings.defaults();
    assertEquals(d.summary(), load(null).settings.summary());
    assertEquals(Log.Target.STDERR, d.logTarget);
    assertEquals(Log.Target.APPLICATION, load("log_target=application").settings.logTarget);
    assertTrue(d.metrics);
    assertFalse(load("metrics=false").settings.metrics);
    assertTrue(load("metrics=false").settings.summary().contains(" metrics=false"));
    assertEquals(Settings.ClassLoads.START, d.classLoads);
    Settings always = load("watch_class_loads=always").settings;
    assertEquals(Settings.ClassLoads.ALWAYS, always.classLoads);
    assertTrue(always.summary().contains(" watch_class_loads=always"), always.summary());
    ConfigLoader.Result wrong = load("watch_class_loads=never");
    assertEquals(1, wrong.errors.size(), wrong.errors.toString());
    assertTrue(
        wrong.errors.get(0).contains("'watch_class_loads'")
            && wrong.errors.get(0).contains("'never', accepted: one of start, always"),
        wrong.errors.toString());
    assertFalse(wrong.settings.enabled);
    assertEquals(
        Log.Target.APPLICATION,
        ConfigLoader.load(null, Map.of(), Map.of("MCP_KEEPALIVE_LOG_TARGET", "Application"))
            .settings
            .logTarget);
  }

  @Test
  void theFilesAgentKeysGoThroughTheTableToo() throws IOException {
    ConfigLoader.Result r =
        load("config=" + file("{\"log_target\": \"console\", \"interval\": {\"s\": 3}}"));
    assertEquals(2, r.errors.size(), r.errors.toString());
    String all = String.join("\n", r.errors);
    assertTrue(
        all.contains(
            "'log_target' (from config file servers.json): 'console', accepted: one of stderr, application"),
        all);
    assertTrue(all.contains("'interval' (from config file servers.json): '<structured>'"), all);
    assertFalse(r.settings.enabled);
  }

  @Test
  void aMalformedEntryIsDroppedNamingTheFieldAndTheOthersApply() throws IOException {
    ConfigLoader.Result r =
        load(
            "config="
                + file(
                    "{\"mcpServers\": {"
                        + "\"a\": {\"url\": {\"host\": \"a.example.com\"}},"
                        + " \"b\": \"https://b.example.com/mcp\","
                        + " \"c\": {\"url\": \"https://c.example.com/mcp\", \"enabled\": false,"
                        + " \"keepalive_interval\": \"1m\", \"colour\": \"red\"},"
                        + " \"d\": {\"url\": \"ftp://d.example.com/mcp?token=s3cret\"},"
                        + " \"stdio\": {\"command\": \"npx\", \"args\": [\"server\"]}}}"));
    assertEquals(List.of(), r.errors);
    assertEquals(1, r.settings.servers.size(), r.warnings.toString());
    ServerEntry c = r.settings.servers.get(0);
    assertEquals("c", c.name());
    assertFalse(c.enabled());
    assertEquals(FakeTime.secs(60), c.intervalNanos());
    String all = String.join("\n", r.warnings);
    assertTrue(all.contains("'a': invalid value for 'url'"), all);
    assertTrue(all.contains("'b': must be an object"), all);
    assertTrue(all.contains("'c': unknown field 'colour' ignored"), all);
    assertTrue(all.contains("'d': invalid value for 'url'"), all);
    assertTrue(all.contains("'stdio': no 'url'"), all);
    assertFalse(all.contains("s3cret"), "a query string is never shown: " + all);
  }

  @Test
  void aParseErrorNamesTheLineAndNeverQuotesTheFile() throws IOException {
    ConfigLoader.Result r =
        load(
            "config="
                + file(
                    "{\"servers\": [{\"url\": \"https://a.example.com\",\n"
                        + " \"headers\": {\"Authorization\": Bearer-s3cret}}]}"));
    assertEquals(1, r.errors.size(), r.errors.toString());
    assertTrue(r.errors.get(0).contains("not valid JSON at line 2, column"), r.errors.get(0));
    assertFalse(r.errors.get(0).contains("s3cret"), r.errors.get(0));
  }

  @Test
  void theMostSpecificServerEntryMatches() {
    ServerEntry host =
        new ServerEntry("host", "https://a.example.com", null, FakeTime.secs(60), true);
    ServerEntry path =
        new ServerEntry("path", "https://a.example.com/team/mcp", null, FakeTime.secs(30), true);
    Settings s =
        new Settings(
            true,
            1,
            1,
            1,
            1,
            1,
            0,
            Settings.DEFAULT_BACKOFF_JITTER,
            Log.Level.INFO,
            List.of(host, path));
    assertEquals(path, s.serverFor("https://a.example.com/team/mcp/", "sse"));
    assertEquals(host, s.serverFor("https://a.example.com/other", "sse"));
    assertNull(
        s.serverFor("https://a.example.com:8443/team/mcp", "sse"),
        "another port is another server");
    assertNull(
        s.serverFor("http://a.example.com/team/mcp", "sse"), "another scheme is another server");
    assertEquals(
        host,
        s.serverFor("https://a.example.com/team/mcpx", "sse"),
        "a path prefix must end at a segment");
  }
}
