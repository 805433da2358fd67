package dev.spotpack.cluster;

import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a cached pod keeps: only what the policy reads (uid, name, node, its non-zero request, the
 * labels that name its job and role, its {@code spotpack.dev/} annotations), with the node name
 * shared with the node map, and its creation time (for how long it has been pending). State per pod
 * stays the same whatever the pod carries.
 *
 * <p>Immutable.
 */
final class PodCompaction {
  private static final String SPOTPACK_ANNOTATION_PREFIX = "spotpack.dev/";

  private final Set<String> keptLabels;

  PodCompaction(Set<String> keptLabels) {
    this.keptLabels = Set.copyOf(keptLabels);
  }

  PodInfo compact(PodInfo pod, Map<String, NodeInfo> nodes) {
    Map<String, String> labels = new TreeMap<>();
    pod.labels()
        .forEach(
            (k, v) -> {
              if (keptLabels.contains(k)) {
                labels.put(k, v);
              }
            });
    Map<String, String> annotations = new TreeMap<>();
    pod.annotations()
        .forEach(
            (k, v) -> {
              if (k.startsWith(SPOTPACK_ANNOTATION_PREFIX)) {
                annotations.put(k, v);
              }
            });
    String node = pod.nodeName();
    if (node != null) {
      NodeInfo known = nodes.get(node);
      node = known != null ? known.name() : node;
    }
    return new PodInfo(
        pod.uid(),
        pod.namespace(),
        pod.name(),
        labels,
        annotations,
        node,
        pod.demand(),
        pod.createdAt());
  }
}
