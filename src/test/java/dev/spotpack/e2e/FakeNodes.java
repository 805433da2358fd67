package dev.spotpack.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Nodes without a kubelet, for the local control plane: a Node object with allocatable and capacity
 * set, which kube-scheduler schedules onto like any other.
 */
final class FakeNodes {
  private FakeNodes() {}

  /** The instance types and zones the benchmarks' capacity pools are made of. */
  static final List<String> INSTANCE_TYPES =
      List.of("m6i.4xlarge", "m6i.8xlarge", "r6i.4xlarge", "c6i.8xlarge");

  static final List<String> ZONES = List.of("us-east-1a", "us-east-1b", "us-east-1c");

  /** 16 cores, 64 GiB, 110 pods. */
  static Node node(String name, Map<String, String> labels) {
    Map<String, Quantity> size =
        Map.of(
            "cpu", new Quantity("16"), "memory", new Quantity("64Gi"), "pods", new Quantity("110"));
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewStatus()
        .withAllocatable(size)
        .withCapacity(size)
        .endStatus()
        .build();
  }

  static void create(KubernetesClient client, String name, Map<String, String> labels) {
    client.nodes().resource(node(name, labels)).create();
  }

  /**
   * An executor of {@code job} for spotpack's scheduler, without requests; bound to {@code node} at
   * creation when it is not null.
   */
  static Pod executor(String name, String job, @Nullable String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(Map.of("spark-app-selector", job, "spark-role", "executor"))
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .withSchedulerName("spotpack-scheduler")
        .addNewContainer()
        .withName("e")
        .withImage("example/executor:1")
        .endContainer()
        .endSpec()
        .build();
  }

  /** Executors per job in a benchmark batch, unless the benchmark is told otherwise. */
  static final int BATCH_JOB_SIZE = 100;

  /**
   * Executor {@code n} of a benchmark batch in {@code namespace}: jobs of {@link #BATCH_JOB_SIZE}
   * executors, each asking 100m and 256Mi, deleted without a grace period.
   */
  static Pod batchExecutor(String namespace, int n, String schedulerName) {
    return batchExecutor(namespace, n, BATCH_JOB_SIZE, schedulerName);
  }

  /** Executor {@code n} of a benchmark batch whose jobs have {@code jobSize} executors. */
  static Pod batchExecutor(String namespace, int n, int jobSize, String schedulerName) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("exec-" + n)
        .withLabels(
            Map.of(
                "spark-app-selector",
                namespace + "-job-" + (n / jobSize),
                "spark-role",
                "executor"))
        .endMetadata()
        .withNewSpec()
        .withSchedulerName(schedulerName)
        .withTerminationGracePeriodSeconds(0L)
        .addNewContainer()
        .withName("e")
        .withImage("example/executor:1")
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }

  /**
   * A spot node and one executor in namespace spark for spotpack's scheduler; returns once the
   * executor is bound (to that node: it is the only one).
   */
  static void scheduleOneExecutor(KubernetesClient client) {
    create(client, "spot-1", Map.of("karpenter.sh/capacity-type", "spot"));
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("spark").endMetadata().build())
        .create();
    client.pods().inNamespace("spark").resource(executor("exec-1", "job-1", null)).create();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                "spot-1"
                    .equals(
                        client
                            .pods()
                            .inNamespace("spark")
                            .withName("exec-1")
                            .get()
                            .getSpec()
                            .getNodeName()));
  }

  /**
   * An executor of {@code job} asking 1 cpu and 1Gi, for nodes labelled {@code e2e-scenario:
   * scenario} (and {@code selector}), deleted without a grace period.
   */
  static Pod executor(
      String name,
      String job,
      String scenario,
      Map<String, String> annotations,
      Map<String, String> selector,
      String scheduler) {
    Map<String, String> nodeSelector = new HashMap<>(selector);
    nodeSelector.put("e2e-scenario", scenario);
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(Map.of("spark-app-selector", job, "spark-role", "executor"))
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withSchedulerName(scheduler)
        .withTerminationGracePeriodSeconds(0L)
        .withNodeSelector(nodeSelector)
        .addNewContainer()
        .withName("c")
        .withImage("x")
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi")))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }

  /** The pods of {@code namespace} that are bound. */
  static List<Pod> bound(KubernetesClient client, String namespace) {
    return client.pods().inNamespace(namespace).list().getItems().stream()
        .filter(p -> p.getSpec().getNodeName() != null)
        .toList();
  }

  /** How many bound pods of {@code namespace} each node has. */
  static Map<String, Integer> perNode(KubernetesClient client, String namespace) {
    Map<String, Integer> perNode = new HashMap<>();
    bound(client, namespace)
        .forEach(p -> perNode.merge(p.getSpec().getNodeName(), 1, Integer::sum));
    return perNode;
  }

  /**
   * Each pod of {@code namespace} with its node, or, while unbound, its PodScheduled message: what
   * a failed wait for bindings should show.
   */
  static Map<String, String> schedulingStatus(KubernetesClient client, String namespace) {
    Map<String, String> out = new TreeMap<>();
    for (Pod p : client.pods().inNamespace(namespace).list().getItems()) {
      String status =
          p.getSpec().getNodeName() != null
              ? "on " + p.getSpec().getNodeName()
              : p.getStatus() == null || p.getStatus().getConditions() == null
                  ? "pending, never tried"
                  : p.getStatus().getConditions().stream()
                      .filter(c -> "PodScheduled".equals(c.getType()))
                      .map(c -> "pending: " + c.getReason() + ": " + c.getMessage())
                      .findFirst()
                      .orElse("pending, never tried");
      out.put(p.getMetadata().getName(), status);
    }
    return out;
  }
}
