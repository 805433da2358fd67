package dev.spotpack.bench;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodDemand;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.spot.PodRoles;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

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
      state.upsertNode(
          new NodeInfo(
              name,
              Map.of(
                  "karpenter.sh/capacity-type",
                  i % 3 == 0 ? "on-demand" : "spot",
                  "node.kubernetes.io/instance-type",
                  "m6i.4xlarge",
                  "kubernetes.io/hostname",
                  name),
              Resources.cpuMemory(15_890, 62_310_964L * 1024)));
    }
    for (int i = 0; i < pods; i++) {
      boolean executor = i % 3 != 2;
      Map<String, String> labels =
          executor
              ? Map.of("spark-app-selector", "spark-" + (i / 150), "spark-role", "executor")
              : Map.of("app", "web-" + (i % 50));
      Resources req =
          executor ? Resources.cpuMemory(3000, 11 * GI) : Resources.cpuMemory(250, GI / 2);
      state.upsertPod(
          new PodInfo(
              "uid-" + i,
              "ns-" + (i % 40),
              "pod-" + i,
              labels,
              Map.of(),
              i % 20 == 0 ? null : nodeNames.get(i % nodes),
              new PodDemand(req, req)));
    }
  }

  /**
   * The same request in full-Node mode (nodeCacheCapable: false): a NodeList of the first {@code
   * count} nodes, each as kube-scheduler serialises it (status with conditions, addresses, nodeInfo
   * and an image list: about 2 KiB a node).
   */
  String fullNodeArgs(int count) {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < count; i++) {
      String n = nodeNames.get(i);
      items
          .append(i == 0 ? "" : ",")
          .append("{\"metadata\":{\"name\":\"")
          .append(n)
          .append("\",\"uid\":\"00000000-0000-0000-0000-")
          .append(String.format("%012d", i))
          .append(
              "\",\"resourceVersion\":\"47001\",\"creationTimestamp\":\"2026-11-20T08:00:00Z\",\"labels\":{")
          .append("\"karpenter.sh/capacity-type\":\"")
          .append(i % 3 == 0 ? "on-demand" : "spot")
          .append("\",\"kubernetes.io/hostname\":\"")
          .append(n)
          .append("\",\"node.kubernetes.io/instance-type\":\"m6i.4xlarge\"}},")
          .append("\"spec\":{\"providerID\":\"aws:///us-east-1a/i-0123456789abcdef\"},\"status\":{")
          .append(
              "\"capacity\":{\"cpu\":\"16\",\"ephemeral-storage\":\"104845292Ki\",\"memory\":\"64393252Ki\",\"pods\":\"110\"},")
          .append(
              "\"allocatable\":{\"cpu\":\"15890m\",\"ephemeral-storage\":\"95551679124\",\"memory\":\"62310964Ki\",\"pods\":\"110\"},")
          .append(
              "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastHeartbeatTime\":\"2026-11-20T09:00:00Z\",")
          .append(
              "\"lastTransitionTime\":\"2026-11-20T08:01:00Z\",\"reason\":\"KubeletReady\",\"message\":\"kubelet"
                  + " is posting ready status\"}],")
          .append(
              "\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"10.0.1.1\"},{\"type\":\"Hostname\",\"address\":\"")
          .append(n)
          .append("\"}],")
          .append(
              "\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":10250}},\"nodeInfo\":{\"machineID\":\"ec2abc\",\"systemUUID\":\"ec2def\",")
          .append(
              "\"bootID\":\"b\",\"kernelVersion\":\"6.1.112\",\"osImage\":\"Amazon Linux"
                  + " 2023\",\"containerRuntimeVersion\":\"containerd://1.7.23\",")
          .append(
              "\"kubeletVersion\":\"v1.36.3\",\"kubeProxyVersion\":\"\",\"operatingSystem\":\"linux\",\"architecture\":\"amd64\"},")
          .append("\"images\":[");
      for (int k = 0; k < 8; k++) {
        items
            .append(k == 0 ? "" : ",")
            .append("{\"names\":[\"registry.example/team/image-")
            .append(k)
            .append(
                "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"registry.example/team/image-")
            .append(k)
            .append(":v1.2.3\"],\"sizeBytes\":")
            .append(100_000_000 + k)
            .append('}');
      }
      items.append("]}}");
    }
    String withNames = args(List.of());
    return withNames.replace(
        "\"Nodes\":null,\"NodeNames\":[]",
        "\"Nodes\":{\"metadata\":{},\"items\":[" + items + "]},\"NodeNames\":null");
  }

  /** An ExtenderArgs body in Go's form for a new executor of job spark-7 (100 executors). */
  String args(List<String> candidates) {
    return args(candidates, "exec", "executor");
  }

  /**
   * How many node orders {@link #shuffledArgs} offers: kube-scheduler's candidate lists start at a
   * rotating node and arrive in the order its checking goroutines finish, so no two of its calls
   * name the nodes in the same order, and one request sent over and over keeps caches warm that
   * real calls do not.
   */
  static final int SHUFFLED_ORDERS = 16;

  /**
   * {@link #args} naming every node in random order {@code k} (1 to {@link #SHUFFLED_ORDERS}, each
   * seeded by {@code k}, so the same in every benchmark): the worst case for the caches.
   */
  String shuffledArgs(int k) {
    List<String> order = new ArrayList<>(nodeNames);
    Collections.shuffle(order, new Random(k));
    return args(order);
  }

  /**
   * The same for a pod of job spark-7 in {@code role} ({@code driver}: kept off every spot node, so
   * half the candidates are rejected).
   */
  String args(List<String> candidates, String suffix, String role) {
    StringBuilder names = new StringBuilder();
    for (String n : candidates) {
      names.append(names.isEmpty() ? "" : ",").append('"').append(n).append('"');
    }
    return "{\"Pod\":{\"metadata\":{\"name\":\"spark-7-"
        + suffix
        + "-new\",\"namespace\":\"spark\",\"uid\":\"uid-"
        + (suffix.equals("exec") ? "" : suffix + "-")
        + "new\","
        + "\"creationTimestamp\":null,\"labels\":{\"spark-app-selector\":\"spark-7\",\"spark-role\":\""
        + role
        + "\"},\"annotations\":{\"spotpack.dev/profile\":\"BALANCED\"}},\"spec\":{\"containers\":[{\"name\":\"executor\","
        + "\"image\":\"apache/spark:4.1.2\",\"resources\":{\"limits\":{\"memory\":\"11Gi\"},\"requests\":{\"cpu\":\"3\","
        + "\"memory\":\"11Gi\"}}}],\"schedulerName\":\"spotpack-scheduler\"},\"status\":{\"phase\":\"Pending\"}},"
        + "\"Nodes\":null,\"NodeNames\":["
        + names
        + "]}";
  }
}
