package dev.spotpack.kube;

import dev.spotpack.cluster.ClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
    Object parsed;
    try {
      parsed = serialization.unmarshal(in);
    } catch (RuntimeException e) {
      throw new KubeModelException(
          source + ": not a Kubernetes YAML or JSON document: " + e.getMessage());
    }
    List<? extends HasMetadata> items;
    if (parsed instanceof KubernetesList list) {
      items = list.getItems() == null ? List.of() : list.getItems();
    } else if (parsed instanceof HasMetadata single) {
      items = List.of(single);
    } else {
      throw new KubeModelException(
          source
              + ": expected a Kubernetes List of Nodes and Pods (kubectl get nodes,pods -A -o"
              + " yaml)");
    }
    return loadItems(items, source, state);
  }

  /**
   * Loads the nodes and pods of the live cluster behind {@code client}, listed once, as a snapshot
   * ({@code spotpack explain} against a cluster).
   */
  public Summary load(KubernetesClient client, ClusterState state) {
    List<HasMetadata> items = new ArrayList<>(client.nodes().list().getItems());
    items.addAll(client.pods().inAnyNamespace().list().getItems());
    return loadItems(items, "cluster " + client.getMasterUrl(), state);
  }

  private Summary loadItems(List<? extends HasMetadata> items, String source, ClusterState state) {
    int nodes = 0;
    int pods = 0;
    int finished = 0;
    Map<String, Integer> other = new TreeMap<>();
    for (HasMetadata item : items) {
      try {
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
          other.merge(item == null ? "null" : item.getKind(), 1, Integer::sum);
        }
      } catch (KubeModelException e) {
        throw new KubeModelException(source + ": " + e.getMessage());
      }
    }
    return new Summary(nodes, pods, finished, other);
  }
}
