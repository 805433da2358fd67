package dev.spotpack.protocol;

import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * How a value is named in an error message ("a string", "an array") and how a field is found as
 * Go's decoder finds it.
 */
final class JsonKinds {
  private JsonKinds() {}

  static String of(@Nullable JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString().toLowerCase(Locale.ROOT);
    };
  }

  /**
   * The field matching {@code name} case-insensitively, as Go's decoder matches it; an exact match
   * wins. JSON null counts as absent.
   */
  static @Nullable JsonNode field(JsonNode object, String name) {
    JsonNode exact = object.get(name);
    if (exact != null) {
      return exact.isNull() ? null : exact;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      if (e.getKey().toLowerCase(Locale.ROOT).equals(lower)) {
        return e.getValue().isNull() ? null : e.getValue();
      }
    }
    return null;
  }

  static String of(@Nullable JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "null";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "an array";
    }
    if (node.isString()) {
      return "a string";
    }
    if (node.isNumber()) {
      return "a number";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    return node.getNodeType().toString().toLowerCase(Locale.ROOT);
  }
}
