package dev.spotpack.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Typed reads from a YAML tree that record a problem, with its full key path, instead of throwing,
 * so that one pass over a file reports every bad key at once. Shared by the config and workload
 * loaders.
 *
 * <p>Not thread-safe: one per file read.
 */
public final class YamlReader {
  // Floats as BigDecimal so that 0.29 stays exactly 0.29.
  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  private final List<String> problems = new ArrayList<>();

  /**
   * The file's YAML tree, or null for an empty file.
   *
   * @throws ConfigException naming {@code source} if the text is not YAML
   */
  public static @Nullable JsonNode readTree(String text, String source) {
    try {
      JsonNode root = YAML.readTree(text);
      return root == null || root.isNull() || root.isMissingNode() ? null : root;
    } catch (JacksonException e) {
      throw new ConfigException(source, List.of("not valid YAML: " + e.getOriginalMessage()));
    }
  }

  public void problem(String path, String why) {
    problems.add(path + ": " + why);
  }

  public boolean object(JsonNode node, String path) {
    if (!node.isObject()) {
      problem(path, "must be a mapping");
      return false;
    }
    return true;
  }

  public void onlyKeys(JsonNode node, String prefix, Set<String> known) {
    for (String key : node.propertyNames()) {
      if (!known.contains(key)) {
        problem(
            prefix + key,
            "unknown key (known here: "
                + String.join(", ", known.stream().sorted().toList())
                + ")");
      }
    }
  }

  public String string(@Nullable JsonNode node, String path, String fallback) {
    if (node == null) {
      return fallback;
    }
    if (!node.isString() || node.stringValue().isBlank()) {
      problem(path, "must be a non-empty string");
      return fallback;
    }
    return node.stringValue();
  }

  public boolean bool(@Nullable JsonNode node, String path, boolean fallback) {
    if (node == null) {
      return fallback;
    }
    if (!node.isBoolean()) {
      problem(path, "must be true or false");
      return fallback;
    }
    return node.booleanValue();
  }

  public long integer(@Nullable JsonNode node, String path, long fallback, long min, long max) {
    if (node == null) {
      return fallback;
    }
    if (!node.isIntegralNumber()
        || !node.canConvertToLong()
        || node.longValue() < min
        || node.longValue() > max) {
      problem(path, node + " is invalid: expected a whole number from " + min + " to " + max);
      return fallback;
    }
    return node.longValue();
  }

  public @Nullable BigDecimal fraction(
      @Nullable JsonNode node, String path, @Nullable BigDecimal fallback) {
    if (node == null) {
      return fallback;
    }
    if (!node.isNumber()
        || node.decimalValue().signum() < 0
        || node.decimalValue().compareTo(BigDecimal.ONE) > 0) {
      problem(path, node + " is invalid: expected a decimal number from 0 to 1");
      return fallback;
    }
    return node.decimalValue();
  }

  public @Nullable List<String> stringList(JsonNode node, String path) {
    if (!node.isArray()) {
      problem(path, "must be a list of strings");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isString() || item.stringValue().isBlank()) {
        problem(path + "[" + i + "]", "must be a non-empty string");
      } else {
        out.add(node.get(i).stringValue());
      }
    }
    return out;
  }

  public double number(
      @Nullable JsonNode node, String path, double fallback, double min, double max) {
    if (node == null) {
      return fallback;
    }
    if (!node.isNumber() || node.doubleValue() < min || node.doubleValue() > max) {
      problem(path, node + " is invalid: expected a number from " + min + " to " + max);
      return fallback;
    }
    return node.doubleValue();
  }

  public List<String> problems() {
    return problems;
  }
}
