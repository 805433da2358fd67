package dev.spotpack.policy.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the policy knows of a pod. A pod that has finished (phase Succeeded or Failed) is never
 * represented: it holds no resources and no place in its job.
 *
 * @param nodeName the node the pod is bound to, or null while it is pending
 * @param createdAt when the API server created the pod, or null if unknown (the cluster state does
 *     not keep it; a pod read from a filter call has it)
 *     <p>Immutable.
 */
public record PodInfo(
    String uid,
    String namespace,
    String name,
    Map<String, String> labels,
    Map<String, String> annotations,
    @Nullable String nodeName,
    PodDemand demand,
    @Nullable Instant createdAt) {

  public PodInfo {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  /** A pod whose creation time is not known. */
  public PodInfo(
      String uid,
      String namespace,
      String name,
      Map<String, String> labels,
      Map<String, String> annotations,
      @Nullable String nodeName,
      PodDemand demand) {
    this(uid, namespace, name, labels, annotations, nodeName, demand, null);
  }

  /** How long the pod has existed at {@code now}; zero if its creation time is unknown. */
  public Duration age(Instant now) {
    if (createdAt == null || now.isBefore(createdAt)) {
      return Duration.ZERO;
    }
    return Duration.between(createdAt, now);
  }

  public String key() {
    return namespace + "/" + name;
  }

  public boolean isBound() {
    return nodeName != null && !nodeName.isEmpty();
  }

  public PodInfo boundTo(@Nullable String node) {
    return new PodInfo(uid, namespace, name, labels, annotations, node, demand, createdAt);
  }
}
