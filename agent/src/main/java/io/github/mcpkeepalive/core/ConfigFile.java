package io.github.mcpkeepalive.core;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON configuration file, read with Jackson Databind into typed server entries: as a bare
 * array of servers, as {@code {"servers": […]}} or as {@code {"mcpServers": {"name": {…}}}}, beside
 * any agent key of {@link ConfigKey}. Each server is bound on its own, so that one malformed entry
 * is reported and dropped while the others apply. Loaded only when a file is configured: an agent
 * without one never loads Databind. Values stay text here; {@link ConfigLoader} reads them through
 * {@link ConfigKey}, as it reads every other source.
 */
final class ConfigFile {

  /** The fields of one server entry; scalars as text (a number or a boolean too). */
  public static final class ServerSpec {
    @JsonProperty("name")
    String name;

    @JsonProperty("url")
    String url;

    @JsonProperty("type")
    String type;

    @JsonProperty("transport")
    String transport;

    @JsonProperty("keepalive_interval")
    String keepaliveInterval;

    @JsonProperty("enabled")
    String enabled;

    /** Only its shape is looked at: its values are never read, kept or logged. */
    @JsonProperty("headers")
    JsonNode headers;

    // a stdio server's fields, accepted without a word: such an entry has no url and is skipped
    @JsonProperty("command")
    JsonNode command;

    @JsonProperty("args")
    JsonNode args;

    @JsonProperty("env")
    JsonNode env;

    final Map<String, JsonNode> unknown = new LinkedHashMap<>();

    @JsonAnySetter
    void unknown(String field, JsonNode value) {
      unknown.put(field, value);
    }
  }

  /** One entry: its name (null: none), and its fields or why they could not be bound. */
  record Server(String name, ServerSpec spec, String problem) {}

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /** The agent keys the file sets, as text (null: an object or an array). */
  final Map<String, String> settings = new LinkedHashMap<>();

  final List<Server> servers = new ArrayList<>();

  /** What is wrong with the file's shape (errors: the agent does not start). */
  final List<String> problems = new ArrayList<>();

  private ConfigFile() {}

  static ConfigFile read(Path path) throws IOException {
    JsonNode root = MAPPER.readTree(Files.readAllBytes(path));
    ConfigFile file = new ConfigFile();
    if (root != null && root.isArray()) {
      file.servers(root, null);
    } else if (root != null && root.isObject()) {
      for (Map.Entry<String, JsonNode> e : root.properties()) {
        JsonNode v = e.getValue();
        if (e.getKey().equals("servers")) {
          if (v.isArray()) {
            file.servers(v, null);
          } else {
            file.problems.add("'servers' must be an array of server objects");
          }
        } else if (e.getKey().equals("mcpServers")) {
          if (v.isObject()) {
            file.servers(v, v.fieldNames());
          } else {
            file.problems.add("'mcpServers' must be an object of name → server");
          }
        } else {
          file.settings.put(e.getKey(), v.isContainerNode() ? null : v.asText());
        }
      }
    } else {
      file.problems.add(
          "expected a JSON array of servers or an object with 'servers' or 'mcpServers'");
    }
    return file;
  }

  /** The entries of an array ({@code names} null) or of an object keyed by name. */
  private void servers(JsonNode container, Iterator<String> names) {
    Iterator<JsonNode> nodes = container.elements();
    while (nodes.hasNext()) {
      JsonNode node = nodes.next();
      String name = names == null ? null : names.next();
      if (!node.isObject()) {
        servers.add(new Server(name, null, "must be an object"));
        continue;
      }
      if (name == null && node.hasNonNull("name") && node.get("name").isValueNode()) {
        name = node.get("name").asText();
      }
      try {
        ServerSpec spec = MAPPER.treeToValue(node, ServerSpec.class);
        servers.add(new Server(name, spec, null));
      } catch (JsonProcessingException e) {
        servers.add(
            new Server(
                name,
                null,
                "invalid value for '"
                    + field(e)
                    + "': expected text, a number or true/false, not an object or an array"));
      }
    }
  }

  /** The field a binding error is about, by name (its value is never quoted). */
  private static String field(JsonProcessingException e) {
    if (e instanceof JsonMappingException) {
      List<JsonMappingException.Reference> path = ((JsonMappingException) e).getPath();
      if (!path.isEmpty() && path.get(0).getFieldName() != null) {
        return path.get(0).getFieldName();
      }
    }
    return "?";
  }

  /**
   * Why a file could not be read, without its content: Jackson's own messages quote the text they
   * choke on, which in a configuration file can be a header value.
   */
  static String describe(Exception e) {
    if (e instanceof JsonProcessingException) {
      JsonLocation at = ((JsonProcessingException) e).getLocation();
      return "not valid JSON"
          + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
    }
    return Redact.error(e);
  }
}
