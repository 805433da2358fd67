package dev.spotpack.testing;

import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.PodRoles;
import java.util.List;

/** Builds cluster snapshots for tests through the real {@link ClusterState}. */
public final class Clusters {
  private Clusters() {}

  public static ClusterSnapshot of(List<NodeInfo> nodes, List<PodInfo> pods) {
    ClusterState state = new ClusterState(PodRoles.SPARK);
    nodes.forEach(state::upsertNode);
    pods.forEach(state::upsertPod);
    return state.snapshot();
  }
}
