package dev.spotpack.protocol;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.async.ByteArrayFeeder;
import tools.jackson.core.filter.FilteringParserDelegate;
import tools.jackson.core.filter.TokenFilter;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Reads what kube-scheduler and kube-apiserver send into JSON trees, at a cost that does not depend
 * on which property names a pod author chose.
 *
 * <p>Jackson's default byte parser interns every property name in a symbol table, and names chosen
 * to collide in it (55,000 label keys with one {@code String.hashCode}, 2 MiB) made a call cost 3x
 * and the webhook 4x a body with as many ordinary keys. The non-blocking parser, fed the whole body
 * at once, is Jackson's byte parser that can skip the table; unlike the character parser it also
 * reports byte offsets, which {@link ExtenderJson} needs to bound an object before building it.
 * Duplicate names are refused where a tree is built (a map entry per name already) rather than for
 * every name the parser meets, which would hash the skipped ones too; Go's decoder, for comparison,
 * lets the last duplicate win everywhere.
 *
 * <p>Immutable; safe to share across threads.
 */
public final class JsonTrees {
  // The body-level trailing-content check is done by the callers that read a whole body, so it
  // must not apply to each part (Jackson 3 enables FAIL_ON_TRAILING_TOKENS by default).
  private final JsonMapper mapper =
      JsonMapper.builder(
              JsonFactory.builder()
                  .disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** A parser over {@code length} bytes of {@code body} from {@code offset}. */
  public JsonParser parser(byte[] body, int offset, int length) {
    JsonParser p = mapper.createNonBlockingByteArrayParser();
    ByteArrayFeeder feeder = (ByteArrayFeeder) p.nonBlockingInputFeeder();
    feeder.feedInput(body, offset, offset + length);
    feeder.endOfInput();
    return p;
  }

  /**
   * The tree of the one JSON value in {@code p} (a fresh parser from {@link #parser}), leaving out
   * what {@code filter} excludes; an object whose every property is filtered out is read as empty.
   */
  public JsonNode tree(JsonParser p, @Nullable TokenFilter filter) {
    if (filter == null) {
      return mapper.readTree(p);
    }
    // the whole input is fed at once, so the parser never reports NOT_AVAILABLE within a value
    JsonNode tree =
        mapper.readTree(
            new FilteringParserDelegate(
                p, filter, TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH, true, true));
    return tree == null ? JsonNodeFactory.instance.objectNode() : tree;
  }

  /**
   * A whole body as one tree, or null for an empty body.
   *
   * @throws ProtocolException when anything but whitespace follows the value
   */
  public @Nullable JsonNode document(byte[] body, @Nullable TokenFilter filter) {
    if (body.length == 0) {
      return null;
    }
    try (JsonParser p = parser(body, 0, body.length)) {
      JsonNode tree = tree(p, filter);
      if (!atEnd(p)) {
        throw new ProtocolException(
            "request body is not valid JSON: trailing content after the first value");
      }
      return tree;
    }
  }

  /** Whether nothing but whitespace is left after the value {@code p} has read. */
  static boolean atEnd(JsonParser p) {
    JsonToken after = p.nextToken();
    if (after == JsonToken.NOT_AVAILABLE) {
      after = p.nextToken(); // what the fed parser says once for whitespace after the last value
    }
    return after == null;
  }
}
