package io.github.mcpkeepalive.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads JSON text into plain maps, lists, strings, numbers, booleans and nulls. */
public final class Json {

  private static final JsonFactory FACTORY = new JsonFactory();

  private Json() {}

  public static Object parse(String text) throws IOException {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new IOException("empty document");
      }
      Object value = read(p, first);
      if (p.nextToken() != null) {
        throw new IOException(
            "unexpected content after the JSON value at line " + p.currentLocation().getLineNr());
      }
      return value;
    }
  }

  private static Object read(JsonParser p, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT:
        Map<String, Object> map = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
          String key = p.currentName();
          map.put(key, read(p, p.nextToken()));
        }
        return map;
      case START_ARRAY:
        List<Object> list = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          list.add(read(p, t));
        }
        return list;
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return p.getNumberValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IOException("unexpected JSON token " + token);
    }
  }
}
