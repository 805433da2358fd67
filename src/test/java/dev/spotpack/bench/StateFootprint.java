package dev.spotpack.bench;

import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.kube.KeyOnlyStores;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.policy.spot.PodRoles;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Retained heap of spotpack's cluster view for a large cluster: the informers' key stores plus
 * {@link ClusterState}, after feeding them the same objects the informers would deliver.
 *
 * <p>Run: {@code ./mvnw -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * && java -Xmx2g -cp target/test-classes:target/classes:$(cat target/cp.txt)
 * dev.spotpack.bench.StateFootprint 5000 150000}
 *
 * <p>Pods: 2/3 Spark executors (jobs of 100), 1/3 other pods; each with 8 labels and 3 annotations
 * as real pods carry; 95% bound. The full Pod objects are converted one at a time and dropped, as
 * the informer's handler does.
 */
public final class StateFootprint {
  private StateFootprint() {}

  public static void main(String[] args) {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int pods = args.length > 1 ? Integer.parseInt(args[1]) : 150_000;
    KubeModel model = new KubeModel(new KubernetesSerialization(), PodRoles.SPARK.labelKeys());
    long before = usedAfterGc();

    ClusterState state = new ClusterState(PodRoles.SPARK);
    ItemStore<Node> nodeKeys = KeyOnlyStores.nodes();
    ItemStore<Pod> podKeys = KeyOnlyStores.pods();
    for (int i = 0; i < nodes; i++) {
      Node n = node(i);
      nodeKeys.put(nodeKeys.getKey(n), n);
      state.upsertNode(model.toNodeInfo(n));
    }
    for (int i = 0; i < pods; i++) {
      Pod p = pod(i, nodes);
      podKeys.put(podKeys.getKey(p), p);
      state.upsertPod(model.toPodInfo(p));
    }
    long t0 = System.nanoTime();
    ClusterSnapshot snapshot = state.snapshot();
    long snapshotMicros = (System.nanoTime() - t0) / 1000;
    long after = usedAfterGc();

    System.out.printf(
        "nodes=%d pods=%d jobs=%d retained=%.1f MiB (%.0f bytes/pod) snapshotBuild=%d us%n",
        nodes,
        state.podCount(),
        snapshot.jobIds().size(),
        (after - before) / 1048576.0,
        (after - before) / (double) pods,
        snapshotMicros);
    // keep everything reachable until measured
    if (nodeKeys.size() + podKeys.size() < 0) {
      System.out.println(state);
    }
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static Node node(int i) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName("ip-10-0-" + (i / 250) + "-" + (i % 250) + ".ec2.internal")
        .withUid(UUID.randomUUID().toString())
        .withResourceVersion(Integer.toString(1000 + i))
        .withLabels(
            Map.of(
                "karpenter.sh/capacity-type",
                i % 3 == 0 ? "on-demand" : "spot",
                "node.kubernetes.io/instance-type",
                "m6i.4xlarge",
                "topology.kubernetes.io/zone",
                "us-east-1a",
                "kubernetes.io/hostname",
                "ip-" + i,
                "kubernetes.io/os",
                "linux",
                "kubernetes.io/arch",
                "amd64"))
        .endMetadata()
        .withNewStatus()
        .withAllocatable(
            Map.of(
                "cpu",
                new Quantity("15890m"),
                "memory",
                new Quantity("62310964Ki"),
                "pods",
                new Quantity("110"),
                "ephemeral-storage",
                new Quantity("95551679124")))
        .endStatus()
        .build();
  }

  static Pod pod(int i, int nodes) {
    boolean executor = i % 3 != 2;
    Map<String, String> labels = new HashMap<>();
    labels.put("app.kubernetes.io/name", executor ? "spark" : "web-" + (i % 50));
    labels.put("app.kubernetes.io/instance", "release-" + (i % 20));
    labels.put("team", "team-" + (i % 17));
    labels.put("pod-template-hash", Integer.toHexString(i * 31));
    if (executor) {
      labels.put("spark-app-selector", "spark-" + (i / 150));
      labels.put("spark-role", "executor");
      labels.put("spark-exec-id", Integer.toString(i % 150));
      labels.put("spark-version", "4.1.2");
    }
    Map<String, String> annotations =
        Map.of(
            "kubectl.kubernetes.io/restartedAt",
            "2026-11-20T08:00:00Z",
            "prometheus.io/scrape",
            "true",
            "spotpack.dev/profile",
            "BALANCED");
    return new PodBuilder()
        .withNewMetadata()
        .withName((executor ? "exec-" : "web-") + i)
        .withNamespace("ns-" + (i % 40))
        .withUid(UUID.randomUUID().toString())
        .withResourceVersion(Integer.toString(100_000 + i))
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withNodeName(
            i % 20 == 0
                ? null
                : "ip-10-0-" + ((i % nodes) / 250) + "-" + ((i % nodes) % 250) + ".ec2.internal")
        .addNewContainer()
        .withName("main")
        .withImage("example/app:1")
        .withNewResources()
        .withRequests(
            Map.of(
                "cpu",
                new Quantity(executor ? "3" : "250m"),
                "memory",
                new Quantity(executor ? "11Gi" : "512Mi")))
        .endResources()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .endStatus()
        .build();
  }
}
