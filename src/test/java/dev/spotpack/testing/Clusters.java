package dev.spotpack.testing;

import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.extender.ExtenderCalls;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.kube.SnapshotFile;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.PodRoles;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
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

  /**
   * The verbs of snapshot mode with the default config, over the nodes and pods of these snapshot
   * files (paths under src/test/resources/golden), with a clock that never moves.
   */
  public static ExtenderCalls goldenCalls(String... snapshotFiles) throws IOException {
    KubernetesSerialization serialization = new KubernetesSerialization();
    KubeModel model = new KubeModel(serialization, PodRoles.SPARK.labelKeys());
    ClusterState state = new ClusterState(SpotpackConfig.DEFAULT.policy().roles());
    for (String file : snapshotFiles) {
      new SnapshotFile(serialization, model)
          .load(Path.of("src/test/resources/golden").resolve(file), state);
    }
    return ExtenderCalls.overSnapshot(
        SpotpackConfig.DEFAULT.policy(),
        state,
        model,
        new SimpleMeterRegistry(),
        () -> 0L,
        Clock.systemUTC());
  }
}
