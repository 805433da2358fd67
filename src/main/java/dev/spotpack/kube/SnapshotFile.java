package dev.spotpack.kube;

import dev.spotpack.cluster.ClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A cluster snapshot file: a Kubernetes {@code List} of Nodes and Pods in YAML or JSON, exactly as
 * {@code kubectl get nodes,pods -A -o yaml} prints it. Bound pods count on their node unless they
 * finished (phase Succeeded or Failed); pods without {@code spec.nodeName} are known pending pods.
 */
public final class SnapshotFile {
  /** What was loaded, for the start-up log line. */
  public record Summary(
      int nodes, int pods, int finishedPodsSkipped, Map<String, Integer> otherKindsSkipped) {}

  private final KubernetesSerialization serialization;
  private final KubeModel model;

  public SnapshotFile(KubernetesSerialization serialization, KubeModel model) {
    this.serialization = serialization;
    this.model = model;
  }

  /**
   * Loads the objects into {@code state}.
   *
   * @param source names the file in error messages
   * @throws KubeModelException if the file is not a List of Kubernetes objects or an object cannot
   *     be converted; the message names the file and the object
   */
  /** Where spotpack's bundled example cluster is, in the jar. */
  public static final String EXAMPLE = "/examples/cluster.yaml";

  /**
   * Loads {@code file}.
   *
   * @throws java.nio.file.NoSuchFileException when it does not exist
   */
  public Summary load(Path file, ClusterState state) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return load(in, file.toString(), state);
    }
  }

  /** Loads the bundled example cluster ({@link #EXAMPLE}). */
  public Summary loadExample(ClusterState state) throws IOException {
    try (InputStream in = SnapshotFile.class.getResourceAsStream(EXAMPLE)) {
      if (in == null) {
        throw new IOException(
            "the bundled example snapshot " + EXAMPLE + " is missing from the jar");
      }
      return load(in, "bundled example " + EXAMPLE, state);
    }
  }

  public Summary load(InputStream in, String source, ClusterState state) throws IOException {
    Counts counts = new Counts();
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    try (JsonParser parser = mapperFor(buffered).createParser(buffered)) {
      int documents = 0;
      for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
        if (t != JsonToken.START_OBJECT) {
          throw notAList(source);
        }
        document(parser, source, state, counts);
        documents++;
      }
      if (documents == 0) {
        throw notAList(source);
      }
    } catch (JacksonException e) {
      throw new KubeModelException(
          source + ": not a Kubernetes YAML or JSON document: " + e.getOriginalMessage());
    }
    return counts.summary();
  }

  /**
   * One document, its start read: a List's items are read and loaded one at a time, so that a
   * snapshot of a large cluster takes the memory of its state, not of its text (fabric8's reader
   * built the whole document as a tree first: 16 times the text); any other object is one item.
   */
  private void document(JsonParser parser, String source, ClusterState state, Counts counts) {
    ObjectNode rest = JsonNodeFactory.instance.objectNode();
    boolean list = false;
    for (String name = parser.nextName(); name != null; name = parser.nextName()) {
      JsonToken value = parser.nextToken();
      if (name.equals("items")
          && (value == JsonToken.START_ARRAY || value == JsonToken.VALUE_NULL)) {
        list = true;
        if (value == JsonToken.START_ARRAY) {
          for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            item(parser.readValueAsTree(), source, state, counts);
          }
        }
      } else {
        rest.set(name, parser.readValueAsTree());
      }
    }
    if (!list) {
      if (!rest.path("kind").isString() || !rest.has("metadata")) {
        throw notAList(source);
      }
      item(rest, source, state, counts);
    }
  }

  private void item(JsonNode node, String source, ClusterState state, Counts counts) {
    String kind = node.path("kind").asString("");
    HasMetadata object;
    try {
      object =
          switch (kind) {
            case "Node" -> serialization.convertValue(node, Node.class);
            case "Pod" -> serialization.convertValue(node, Pod.class);
            default -> null; // counted by its kind, not read
          };
    } catch (RuntimeException e) {
      throw new KubeModelException(
          source
              + ": not a Kubernetes YAML or JSON document: "
              + kind
              + " "
              + node.path("metadata").path("namespace").asString("")
              + "/"
              + node.path("metadata").path("name").asString("")
              + ": "
              + e.getMessage());
    }
    if (object == null) {
      counts.otherKind(kind.isEmpty() ? null : kind);
    } else {
      add(object, source, state, counts);
    }
  }

  private static KubeModelException notAList(String source) {
    return new KubeModelException(
        source
            + ": expected a Kubernetes List of Nodes and Pods (kubectl get nodes,pods -A -o"
            + " yaml)");
  }

  /** JSON when the text starts with a brace or a bracket (after blanks), YAML otherwise. */
  private static ObjectMapper mapperFor(BufferedInputStream in) throws IOException {
    in.mark(1 << 16);
    try {
      for (int i = 0; i < (1 << 16); i++) {
        int b = in.read();
        if (b < 0 || !Character.isWhitespace(b)) {
          return b == '{' || b == '[' ? JSON : YAML;
        }
      }
      return YAML;
    } finally {
      in.reset();
    }
  }

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final ObjectMapper YAML = YAMLMapper.builder().build();

  /**
   * Loads the nodes and pods of the live cluster behind {@code client}, listed once in pages of
   * {@code pageSize} objects, as a snapshot ({@code spotpack explain} against a cluster): a page at
   * a time, as the informers list, so that a large cluster's pods are never all in memory.
   */
  public Summary load(KubernetesClient client, ClusterState state, int pageSize) {
    String source = "cluster " + client.getMasterUrl();
    Counts counts = new Counts();
    pages(next -> client.nodes().list(page(pageSize, next)), source, state, counts);
    pages(next -> client.pods().inAnyNamespace().list(page(pageSize, next)), source, state, counts);
    return counts.summary();
  }

  private static ListOptions page(int pageSize, @Nullable String next) {
    return new ListOptionsBuilder().withLimit((long) pageSize).withContinue(next).build();
  }

  private void pages(
      Function<@Nullable String, ? extends KubernetesResourceList<? extends HasMetadata>> list,
      String source,
      ClusterState state,
      Counts counts) {
    String next = null;
    do {
      KubernetesResourceList<? extends HasMetadata> page = list.apply(next);
      load(page.getItems(), source, state, counts);
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
  }

  private void load(
      List<? extends HasMetadata> items, String source, ClusterState state, Counts counts) {
    for (HasMetadata item : items) {
      add(item, source, state, counts);
    }
  }

  /** Loads one object; an error names the source it came from. */
  private void add(@Nullable HasMetadata item, String source, ClusterState state, Counts counts) {
    try {
      counts.add(item, state);
    } catch (KubeModelException e) {
      throw new KubeModelException(source + ": " + e.getMessage());
    }
  }

  /** What was loaded so far. */
  private final class Counts {
    int nodes;
    int pods;
    int finished;
    final Map<String, Integer> other = new TreeMap<>();

    void add(@Nullable HasMetadata item, ClusterState state) {
      if (item instanceof Node node) {
        state.upsertNode(model.toNodeInfo(node));
        nodes++;
      } else if (item instanceof Pod pod) {
        if (KubeModel.isTerminated(pod)) {
          finished++;
        } else {
          state.upsertPod(model.toPodInfo(pod));
          pods++;
        }
      } else {
        otherKind(item == null ? null : item.getKind());
      }
    }

    /** An object of another kind (or none), counted and not loaded. */
    void otherKind(@Nullable String kind) {
      other.merge(kind == null ? "null" : kind, 1, Integer::sum);
    }

    Summary summary() {
      return new Summary(nodes, pods, finished, other);
    }
  }
}
