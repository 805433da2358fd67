package dev.spotpack.policy.model;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the policy knows of a pod. A pod that has finished (phase Succeeded or Failed) is never
 * represented: it holds no resources and no place in its job.
 *
 * @param nodeName the node the pod is bound to, or null while it is pending
 *     <p>Immutable.
 */
public record PodInfo(
    String uid,
    String namespace,
    String name,
    Map<String, String> labels,
    Map<String, String> annotations,
    @Nullable String nodeName,
    PodDemand demand) {

  public PodInfo {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  public String key() {
    return namespace + "/" + name;
  }

  public boolean isBound() {
    return nodeName != null && !nodeName.isEmpty();
  }

  public PodInfo boundTo(@Nullable String node) {
    return new PodInfo(uid, namespace, name, labels, annotations, node, demand);
  }
}
