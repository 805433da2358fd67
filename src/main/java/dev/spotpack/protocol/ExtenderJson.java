package dev.spotpack.protocol;

import dev.spotpack.policy.ClientText;
import dev.spotpack.policy.model.PodInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.filter.TokenFilter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON codec for the extender protocol.
 *
 * <p>Reading walks the JSON tree by hand rather than binding it: kube-scheduler (Go's {@code
 * encoding/json}) matches keys case-insensitively and sends {@code null} for every absent field,
 * and a hand walk gives each shape error a message that names the field ("NodeNames must be an
 * array of strings, got a string") instead of a Java type name. Unknown fields are ignored, as Go
 * does. Writing binds the result records, which carry upstream's exact PascalCase names and write
 * {@code null} fields as {@code null}.
 *
 * <p>Immutable; safe to share across threads.
 */
public final class ExtenderJson {
  /** {@link ExtenderBindingResult#BOUND} as the mapper writes it (ExtenderJsonTest compares). */
  private static final byte[] BOUND = "{\"Error\":\"\"}".getBytes(StandardCharsets.US_ASCII);

  /** Writes; reading goes through {@link #trees}, which says why. */
  private final JsonMapper mapper = JsonMapper.builder().build();

  private final JsonTrees trees = new JsonTrees();

  /** Of a pod's labels and annotations, which are read; null: all. */
  private final @Nullable PodMetadataFilter podFilter;

  private volatile @Nullable TableWriter lastWriter;

  /** Reads every label and annotation of a pod. */
  public ExtenderJson() {
    this.podFilter = null;
  }

  /**
   * Reads, of a pod's labels and annotations, only those that pass: the rest are skipped while
   * parsing, and never become tree nodes.
   */
  public ExtenderJson(Predicate<String> keptLabel, Predicate<String> keptAnnotation) {
    this.podFilter = new PodMetadataFilter(keptLabel, keptAnnotation);
  }

  public byte[] write(Object value) {
    return mapper.writeValueAsBytes(value);
  }

  /**
   * Writes {@code value} to {@code out}, the node names {@code known} holds copied pre-encoded; the
   * stream is not closed.
   */
  public void write(Object value, NameTable known, OutputStream out) {
    if (value == ExtenderBindingResult.BOUND) {
      // every successful bind answers this; Jackson's writer was 0.7% of spotpack's CPU in the
      // scheduling loop for these 12 bytes (docs/benchmarks-log.md, stop 34)
      try {
        out.write(BOUND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    writerFor(known).writeValue(out, value);
  }

  /**
   * A writer with {@code known} as its attribute, kept while the table is the same: each new one
   * copies the configuration and its attribute map, about 1% of a 5,000-name filter call through
   * HTTP (docs/benchmarks-log.md, stop 33), and the table changes only with the cluster's node set.
   */
  private ObjectWriter writerFor(NameTable known) {
    TableWriter last = lastWriter;
    if (last == null || last.table() != known) {
      last =
          new TableWriter(
              known,
              mapper
                  .writer()
                  .withAttribute(NameTable.class, known)
                  .without(StreamWriteFeature.AUTO_CLOSE_TARGET));
      lastWriter = last; // racing callers each build one; either is right
    }
    return last.writer();
  }

  private record TableWriter(NameTable table, ObjectWriter writer) {}

  /**
   * Reads a filter or prioritize body. Streams over the top level so that the node names (5,000 of
   * them in a large cluster) go straight into a list, without a tree node each; the pod and a
   * NodeList are read as trees. Keys match case-insensitively, an exact match winning, as in {@link
   * #field}.
   */
  public ExtenderArgs readArgs(byte[] body) {
    return readArgs(body, NameTable.EMPTY);
  }

  /**
   * As {@link #readArgs(byte[])}, each node name the table holds read as the table's instance (see
   * {@link NameTable}). A body laid out exactly as kube-scheduler writes it is read by {@link
   * SchedulerLayout}, any other by the general reader, with the same result.
   */
  public ExtenderArgs readArgs(byte[] body, NameTable known) {
    return readArgs(body, known, ReadPods.NONE);
  }

  /**
   * Pods read before, found by uid and resourceVersion: a version names one version of one object,
   * so a pod found is the request's pod, without reading the request's copy.
   */
  @FunctionalInterface
  public interface ReadPods {
    ReadPods NONE = (uid, resourceVersion) -> null;

    @Nullable PodInfo find(String uid, String resourceVersion);
  }

  /**
   * As {@link #readArgs(byte[], NameTable)}; a body in kube-scheduler's layout whose pod {@code
   * read} finds by its uid and resourceVersion carries that pod ({@link ExtenderArgs#readPod()})
   * instead of a tree of its own.
   */
  public ExtenderArgs readArgs(byte[] body, NameTable known, ReadPods read) {
    return readArgs(body, 0, body.length, known, read);
  }

  /**
   * As {@link #readArgs(byte[], NameTable, ReadPods)} for the body {@code body[offset, offset +
   * length)}, such as a request read into a pooled buffer: the bytes around it are not read. The
   * arguments may keep the array (a filter answer copies its names from the request's bytes), so it
   * must hold the body until they have been answered. A body outside kube-scheduler's layout is
   * copied out first, since the general reader takes a whole array.
   */
  public ExtenderArgs readArgs(
      byte[] body, int offset, int length, NameTable known, ReadPods read) {
    Objects.checkFromIndexSize(offset, length, body.length);
    SchedulerLayout.Read laidOut =
        SchedulerLayout.read(body, offset, offset + length, trees, known);
    if (laidOut != null) {
      SchedulerLayout.Version version = laidOut.podVersion();
      if (version != null) {
        PodInfo found = read.find(version.uid(), version.resourceVersion());
        if (found != null) {
          return new ExtenderArgs(null, found, null, laidOut.names(), true);
        }
      }
      try (JsonParser slice =
          trees.parser(body, laidOut.podFrom(), laidOut.podTo() - laidOut.podFrom())) {
        return new ExtenderArgs(trees.tree(slice, podFilter), null, null, laidOut.names(), true);
      } catch (JacksonException e) {
        // read again the general way, which reports it
      }
    }
    boolean whole = offset == 0 && length == body.length;
    return readArgsGenerally(
        whole ? body : Arrays.copyOfRange(body, offset, offset + length), known);
  }

  /**
   * Any body, in any key order and case, each problem reported; what {@link #readArgs} falls back
   * to.
   */
  ExtenderArgs readArgsGenerally(byte[] body, NameTable known) {
    if (body.length == 0) {
      throw new ProtocolException("empty request body: expected a JSON ExtenderArgs object");
    }
    JsonNode pod = null;
    JsonNode nodes = null;
    List<String> names = null;
    boolean namesExact = false;
    boolean podExact = false;
    boolean nodesExact = false;
    Set<String> seen = new HashSet<>(4);
    try (JsonParser p = trees.parser(body, 0, body.length)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new ProtocolException(
            "request body must be a JSON ExtenderArgs object, got " + JsonKinds.of(first));
      }
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String key = p.currentName();
        JsonToken value = p.nextToken();
        String lower = key.toLowerCase(Locale.ROOT);
        if (READ_FIELDS.contains(lower) && !seen.add(key)) {
          throw new ProtocolException(JsonSyntax.duplicate(key));
        }
        boolean exact;
        switch (lower) {
          case "nodenames" -> {
            exact = key.equals("NodeNames");
            List<String> read = value == JsonToken.VALUE_NULL ? null : streamNames(p, value, known);
            if (exact || !namesExact) {
              names = read;
              namesExact = exact;
            }
          }
          case "pod" -> {
            exact = key.equals("Pod");
            JsonNode read =
                value == JsonToken.VALUE_NULL ? null : boundedTree(p, body, "Pod", podFilter);
            if (exact || !podExact) {
              pod = read;
              podExact = exact;
            }
          }
          case "nodes" -> {
            exact = key.equals("Nodes");
            JsonNode read = value == JsonToken.VALUE_NULL ? null : nodeList(p, body);
            if (exact || !nodesExact) {
              nodes = read;
              nodesExact = exact;
            }
          }
          default -> p.skipChildren();
        }
      }
      if (!JsonTrees.atEnd(p)) {
        throw new ProtocolException(
            "request body is not valid JSON: trailing content after the ExtenderArgs object");
      }
    } catch (JacksonException e) {
      throw new ProtocolException(JsonSyntax.describe(e));
    }
    if (pod == null) {
      throw new ProtocolException("ExtenderArgs.Pod is missing or null");
    }
    if (!pod.isObject()) {
      throw new ProtocolException("ExtenderArgs.Pod must be an object, got " + JsonKinds.of(pod));
    }
    List<JsonNode> items = names != null ? null : readNodeList(nodes);
    if (names == null && items == null) {
      throw new ProtocolException(
          "ExtenderArgs has neither NodeNames (nodeCacheCapable: true) nor Nodes (nodeCacheCapable:"
              + " false)");
    }
    return new ExtenderArgs(pod, null, items, names, false);
  }

  /** The ExtenderArgs fields spotpack reads, lower-cased. */
  private static final Set<String> READ_FIELDS = Set.of("nodenames", "pod", "nodes");

  /**
   * Reads a bind body. The pod's name and namespace must be Kubernetes object names: they become
   * the path of the binding POST to the API server, where a slash or a dot-dot would name another
   * resource.
   */
  public ExtenderBindingArgs readBindingArgs(byte[] body) {
    JsonNode root = readObject(body, "ExtenderBindingArgs");
    return new ExtenderBindingArgs(
        objectName(root, "PodName", ObjectNames.NAME_MAX),
        objectName(root, "PodNamespace", ObjectNames.NAMESPACE_MAX),
        optionalString(root, "PodUID"),
        requiredString(root, "Node"));
  }

  private static String objectName(JsonNode root, String name, int maxLength) {
    String value = requiredString(root, name);
    if (!ObjectNames.isObjectName(value, maxLength)) {
      throw new ProtocolException(
          "ExtenderBindingArgs."
              + name
              + " must be a Kubernetes object name (at most "
              + maxLength
              + " lower-case letters, digits, '-' and '.'), got \""
              + ClientText.quote(value, 60)
              + "\"");
    }
    return value;
  }

  private JsonNode readObject(byte[] body, String type) {
    if (body.length == 0) {
      throw new ProtocolException("empty request body: expected a JSON " + type + " object");
    }
    JsonNode root;
    try {
      root = trees.document(body, null);
    } catch (JacksonException e) {
      throw new ProtocolException(JsonSyntax.describe(e));
    }
    if (root == null || !root.isObject()) {
      throw new ProtocolException(
          "request body must be a JSON " + type + " object, got " + JsonKinds.of(root));
    }
    return root;
  }

  private static List<String> streamNames(JsonParser p, JsonToken start, NameTable known) {
    if (start != JsonToken.START_ARRAY) {
      throw new ProtocolException(
          "ExtenderArgs.NodeNames must be an array of strings, got " + JsonKinds.of(start));
    }
    List<String> names = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_STRING) {
        throw new ProtocolException(
            "ExtenderArgs.NodeNames must be an array of strings, found " + JsonKinds.of(t));
      }
      if (names.size() == MAX_NODES) {
        throw tooManyNodes("NodeNames");
      }
      char[] chars = p.getStringCharacters();
      int offset = p.getStringOffset();
      int length = p.getStringLength();
      String name = known.find(chars, offset, length);
      names.add(name != null ? name : new String(chars, offset, length));
    }
    return names;
  }

  /**
   * The largest pod or node one call may carry: what kube-apiserver accepts in one request body (3
   * MiB, {@code MaxRequestBodyBytes} in kubernetes/kubernetes
   * staging/src/k8s.io/apiserver/pkg/server/options/server_run_options.go), so no object the API
   * server stores is refused. A larger one is refused before it is built into a tree: a 60 MiB pod
   * of labels took the heap past 1 GiB.
   */
  public static final int MAX_OBJECT_BYTES = 3 * 1024 * 1024;

  /**
   * The value at the parser as a tree, measured first by skipping over it (which also checks its
   * syntax) and built only if it is at most {@link #MAX_OBJECT_BYTES}.
   */
  private JsonNode boundedTree(JsonParser p, byte[] body, String what) {
    return boundedTree(p, body, what, null);
  }

  private JsonNode boundedTree(
      JsonParser p, byte[] body, String what, @Nullable TokenFilter filter) {
    JsonToken start = p.currentToken();
    if (start != JsonToken.START_OBJECT && start != JsonToken.START_ARRAY) {
      return trees.tree(p, null);
    }
    // the parser has read exactly up to the opening bracket (the fed parser's token locations are
    // one byte late, so they are not used), and after skipping, exactly up to the closing one
    long from = p.currentLocation().getByteOffset() - 1;
    p.skipChildren();
    long to = p.currentLocation().getByteOffset();
    if (from < 0
        || to < from
        || body[(int) from] != (start == JsonToken.START_OBJECT ? '{' : '[')) {
      throw new IllegalStateException("the JSON parser's byte offsets do not match the body");
    }
    if (to - from > MAX_OBJECT_BYTES) {
      throw new ProtocolException(
          "ExtenderArgs."
              + what
              + " is "
              + (to - from)
              + " bytes of JSON, more than the "
              + MAX_OBJECT_BYTES
              + " any object kube-apiserver accepts");
    }
    try (JsonParser slice = trees.parser(body, (int) from, (int) (to - from))) {
      return trees.tree(slice, start == JsonToken.START_OBJECT ? filter : null);
    } catch (JacksonException e) {
      throw new ProtocolException(JsonSyntax.describe(e, body, (int) from));
    }
  }

  /**
   * A NodeList, streamed: each item a bounded tree, at most {@link #MAX_NODES} of them; of its
   * other fields, only the kind is kept (nothing reads them).
   */
  private JsonNode nodeList(JsonParser p, byte[] body) {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      if (p.currentToken() == JsonToken.START_ARRAY) {
        p.skipChildren();
        return JsonNodeFactory.instance.arrayNode(); // refused as "got an array" by readNodeList
      }
      return trees.tree(p, null);
    }
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String key = p.currentName();
      JsonToken value = p.nextToken();
      boolean isItems = key.toLowerCase(Locale.ROOT).equals("items");
      if (!isItems || value != JsonToken.START_ARRAY) {
        list.set(key, isItems ? boundedTree(p, body, "Nodes.items") : skipped(p));
        continue;
      }
      ArrayNode items = JsonNodeFactory.instance.arrayNode();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (items.size() == MAX_NODES) {
          throw tooManyNodes("Nodes.items");
        }
        items.add(boundedTree(p, body, "Nodes.items[" + items.size() + "]"));
      }
      list.set(key, items);
    }
    return list;
  }

  /** Skips a value nothing reads, keeping only whether it was null. */
  private static JsonNode skipped(JsonParser p) {
    boolean isNull = p.currentToken() == JsonToken.VALUE_NULL;
    p.skipChildren();
    return isNull
        ? JsonNodeFactory.instance.nullNode()
        : JsonNodeFactory.instance.booleanNode(true);
  }

  /**
   * The most nodes one call may name: twenty times the 5,000 nodes per cluster Kubernetes supports
   * (kubernetes/community, sig-scalability/configs-and-limits/thresholds.md), six times the largest
   * cluster spotpack is benchmarked at. It bounds the work of one call whatever its body size: a 16
   * MiB body of 1.4 million short names held a 500 MB live heap before this limit.
   */
  public static final int MAX_NODES = 100_000;

  private static ProtocolException tooManyNodes(String field) {
    return new ProtocolException(
        "ExtenderArgs."
            + field
            + " lists more than "
            + MAX_NODES
            + " nodes, more than spotpack accepts in one call (Kubernetes supports up to 5,000"
            + " nodes per cluster)");
  }

  private static @Nullable List<JsonNode> readNodeList(@Nullable JsonNode node) {
    if (node == null) {
      return null;
    }
    if (!node.isObject()) {
      throw new ProtocolException(
          "ExtenderArgs.Nodes must be a NodeList object, got " + JsonKinds.of(node));
    }
    JsonNode items = JsonKinds.field(node, "items");
    if (items == null) {
      return List.of();
    }
    if (!items.isArray()) {
      throw new ProtocolException(
          "ExtenderArgs.Nodes.items must be an array, got " + JsonKinds.of(items));
    }
    List<JsonNode> list = new ArrayList<>(items.size());
    for (JsonNode item : items) {
      if (!item.isObject()) {
        throw new ProtocolException(
            "ExtenderArgs.Nodes.items must hold Node objects, found " + JsonKinds.of(item));
      }
      list.add(item);
    }
    return list;
  }

  private static String requiredString(JsonNode root, String name) {
    JsonNode v = JsonKinds.field(root, name);
    if (v == null || (v.isString() && v.stringValue().isEmpty())) {
      throw new ProtocolException("ExtenderBindingArgs." + name + " is missing or empty");
    }
    if (!v.isString()) {
      throw new ProtocolException(
          "ExtenderBindingArgs." + name + " must be a string, got " + JsonKinds.of(v));
    }
    return v.stringValue();
  }

  private static String optionalString(JsonNode root, String name) {
    JsonNode v = JsonKinds.field(root, name);
    if (v == null) {
      return "";
    }
    if (!v.isString()) {
      throw new ProtocolException(
          "ExtenderBindingArgs." + name + " must be a string, got " + JsonKinds.of(v));
    }
    return v.stringValue();
  }
}
