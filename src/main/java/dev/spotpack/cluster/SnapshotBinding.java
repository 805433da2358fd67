package dev.spotpack.cluster;

import dev.spotpack.policy.model.PodInfo;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ClusterState#bindInSnapshot} did: {@code BOUND}, or why not; {@code pod} as it was
 * when checked (null if unknown).
 */
public record SnapshotBinding(Outcome outcome, @Nullable PodInfo pod) {
  public enum Outcome {
    BOUND,
    UNKNOWN_POD,
    OTHER_UID,
    UNKNOWN_NODE,
    BOUND_ELSEWHERE
  }
}
