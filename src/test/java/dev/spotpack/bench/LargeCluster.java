package dev.spotpack.bench;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodDemand;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.spot.PodRoles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A synthetic large cluster for benchmarks: {@code nodes} nodes (two thirds spot, m6i.4xlarge
 * allocatable), {@code pods} pods (two thirds Spark executors in jobs of 100, the rest other pods,
 * 95% bound, spread round-robin). Built directly in {@link ClusterState}, as the informers would.
 */
final class LargeCluster {
  static final long GI = 1024L * 1024 * 1024;
  final ClusterState state = new ClusterState(PodRoles.SPARK);
  final List<String> nodeNames = new ArrayList<>();

  LargeCluster(int nodes, int pods) {
    for (int i = 0; i < nodes; i++) {
      String name = "ip-10-0-" + (i / 250) + "-" + (i % 250) + ".ec2.internal";
      nodeNames.add(name);
      state.upsertNode(new NodeInfo(name, Map.of("karpenter.sh/capacity-type", i % 3 == 0 ? "on-demand" : "spot",
          "node.kubernetes.io/instance-type", "m6i.4xlarge", "kubernetes.io/hostname", name),
          Resources.cpuMemory(15_890, 62_310_964L * 1024)));
    }
    for (int i = 0; i < pods; i++) {
      boolean executor = i % 3 != 2;
      Map<String, String> labels = executor
          ? Map.of("spark-app-selector", "spark-" + (i / 150), "spark-role", "executor")
          : Map.of("app", "web-" + (i % 50));
      Resources req = executor ? Resources.cpuMemory(3000, 11 * GI) : Resources.cpuMemory(250, GI / 2);
      state.upsertPod(new PodInfo("uid-" + i, "ns-" + (i % 40), "pod-" + i, labels, Map.of(),
          i % 20 == 0 ? null : nodeNames.get(i % nodes), new PodDemand(req, req)));
    }
  }

  /** An ExtenderArgs body in Go's form for a new executor of job spark-7 (100 executors). */
  String args(List<String> candidates) {
    StringBuilder names = new StringBuilder();
    for (String n : candidates) {
      names.append(names.isEmpty() ? "" : ",").append('"').append(n).append('"');
    }
    return "{\"Pod\":{\"metadata\":{\"name\":\"spark-7-exec-new\",\"namespace\":\"spark\",\"uid\":\"uid-new\","
        + "\"creationTimestamp\":null,\"labels\":{\"spark-app-selector\":\"spark-7\",\"spark-role\":\"executor\"},"
        + "\"annotations\":{\"spotpack.dev/profile\":\"BALANCED\"}},\"spec\":{\"containers\":[{\"name\":\"executor\","
        + "\"image\":\"apache/spark:4.1.2\",\"resources\":{\"limits\":{\"memory\":\"11Gi\"},\"requests\":{\"cpu\":\"3\","
        + "\"memory\":\"11Gi\"}}}],\"schedulerName\":\"spotpack-scheduler\"},\"status\":{\"phase\":\"Pending\"}},"
        + "\"Nodes\":null,\"NodeNames\":[" + names + "]}";
  }
}
