package dev.spotpack.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.protocol.ExtenderArgs;
import dev.spotpack.protocol.ExtenderJson;
import dev.spotpack.protocol.NameTable;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The lean decoding reads what spotpack reads exactly as fabric8's full decoding does: compared
 * through {@link KubeModel} (what the state keeps) and through what {@link GateController} reads.
 */
class LeanDecodingTest {
  private static final KubernetesSerialization FULL = new KubernetesSerialization();
  private static final KubernetesSerialization LEAN = LeanDecoding.serialization();
  private static final KubeModel MODEL = new KubeModel(FULL, PodRoles.SPARK.labelKeys());
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** What spotpack reads of a pod, from either decoding. */
  private record Read(Object podInfo, Object gate) {
    static Read of(Pod pod) {
      return new Read(
          MODEL.toPodInfo(pod),
          List.of(
              String.valueOf(pod.getMetadata().getResourceVersion()),
              String.valueOf(pod.getSpec() == null ? null : pod.getSpec().getSchedulingGates()),
              String.valueOf(pod.getSpec() == null ? null : pod.getSpec().getAffinity()),
              String.valueOf(pod.getSpec() == null ? null : pod.getSpec().getNodeName()),
              String.valueOf(KubeModel.isTerminated(pod))));
    }
  }

  static Stream<String> pods() throws IOException {
    List<String> out = new ArrayList<>();
    out.add(resource("kube/spark-executor-pod.json"));
    IntStream.range(0, 200).forEach(seed -> out.add(FULL.asJson(randomPod(new Random(seed)))));
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("pods")
  void readsWhatTheFullDecodingReads(String json) {
    Pod full = FULL.unmarshal(json, Pod.class);
    Pod lean = LEAN.unmarshal(json, Pod.class);
    assertThat(Read.of(lean)).isEqualTo(Read.of(full));
    // and from a watch event, whichever field comes first
    Pod fromEvent = (Pod) LEAN.unmarshal(event("MODIFIED", json), WatchEvent.class).getObject();
    assertThat(Read.of(fromEvent)).isEqualTo(Read.of(full));
    Pod kindLast =
        (Pod) LEAN.unmarshal(event("MODIFIED", kindLast(json)), WatchEvent.class).getObject();
    assertThat(Read.of(kindLast)).isEqualTo(Read.of(full));
  }

  /**
   * What makes taking the informer's pod for a filter call's right: the pod the informer read, as
   * the state keeps it, is the pod the call's copy converts to, and the call finds it by its uid
   * and resourceVersion. (The app's model reads through the lean decoding on both paths.)
   */
  @ParameterizedTest
  @MethodSource("pods")
  void theInformersPodIsTheRequestsPod(String json) {
    KubeModel model = new KubeModel(LEAN, PodRoles.SPARK.labelKeys());
    ObjectNode tree = (ObjectNode) JSON.readTree(json);
    ((ObjectNode) tree.path("spec")).remove("nodeName"); // a filter call's pod is unbound
    ((ObjectNode) tree.path("status")).remove("phase"); // and not finished
    ((ObjectNode) tree.path("metadata")).put("uid", "uid-1").put("resourceVersion", "42");
    String pod = JSON.writeValueAsString(tree);
    byte[] body =
        ("{\"Pod\":" + pod + ",\"Nodes\":null,\"NodeNames\":[\"n1\"]}")
            .getBytes(StandardCharsets.UTF_8);
    ExtenderJson protocol = new ExtenderJson(model::keepsLabel, KubeModel::keepsAnnotation);
    ClusterState state = new ClusterState(PodRoles.SPARK);
    state.upsertPod(model.toPodInfo(LEAN.unmarshal(pod, Pod.class)), "42");

    ExtenderArgs found = protocol.readArgs(body, NameTable.EMPTY, state::pendingPod);
    ExtenderArgs read = protocol.readArgs(body, NameTable.EMPTY);

    assertThat(found.readPod()).isNotNull();
    assertThat(read.readPod()).isNull();
    assertThat(model.podOf(found)).isEqualTo(model.podOf(read));
  }

  @Test
  void keepsOnlyWhatSpotpackReadsOfARealPod() throws IOException {
    Pod lean = LEAN.unmarshal(resource("kube/spark-executor-pod.json"), Pod.class);
    assertThat(lean.getMetadata().getManagedFields()).isEmpty();
    assertThat(lean.getMetadata().getAnnotations()).containsOnlyKeys("spotpack.dev/max-node-share");
    assertThat(lean.getSpec().getVolumes()).isEmpty();
    assertThat(lean.getSpec().getContainers().get(0).getEnv()).isEmpty();
    assertThat(lean.getStatus().getConditions()).isEmpty();
    assertThat(lean.getStatus().getPhase()).isEqualTo("Running");
    assertThat(lean.getSpec().getContainers().get(0).getResources().getRequests())
        .containsEntry("cpu", new Quantity("4"))
        .containsEntry("memory", new Quantity("14745Mi"));
  }

  @Test
  void aWatchErrorStaysAStatusSoFabric8CanRelist() {
    String json =
        "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
            + "\"status\":\"Failure\",\"message\":\"too old resource version: 1 (2)\","
            + "\"reason\":\"Expired\",\"code\":410}}";
    WatchEvent event = LEAN.unmarshal(json, WatchEvent.class);
    assertThat(event.getType()).isEqualTo("ERROR");
    assertThat(event.getObject()).isInstanceOf(Status.class);
    assertThat(((Status) event.getObject()).getCode()).isEqualTo(410);
  }

  @Test
  void aBookmarkCarriesItsResourceVersion() {
    String json =
        "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":"
            + "{\"resourceVersion\":\"12746\",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}}";
    WatchEvent event = LEAN.unmarshal(json, WatchEvent.class);
    assertThat(event.getType()).isEqualTo("BOOKMARK");
    assertThat(((HasMetadata) event.getObject()).getMetadata().getResourceVersion())
        .isEqualTo("12746");
  }

  @Test
  void readsANodeAsTheFullDecodingDoes() {
    Node node =
        new NodeBuilder()
            .withNewMetadata()
            .withName("ip-10-42-7-3.ec2.internal")
            .withUid("n-1")
            .withResourceVersion("77")
            .withLabels(
                Map.of(
                    "karpenter.sh/capacity-type", "spot",
                    "node.kubernetes.io/instance-type", "m5.4xlarge",
                    "topology.kubernetes.io/zone", "us-east-1a"))
            .endMetadata()
            .withNewSpec()
            .withProviderID("aws:///us-east-1a/i-0abc")
            .endSpec()
            .withNewStatus()
            .withCapacity(Map.of("cpu", new Quantity("16"), "memory", new Quantity("64Gi")))
            .withAllocatable(Map.of("cpu", new Quantity("15890m"), "memory", new Quantity("62Gi")))
            .addNewImage()
            .withNames("registry.example/spark:3.5.3")
            .withSizeBytes(812_000_000L)
            .endImage()
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    String json = FULL.asJson(node);
    Node lean = LEAN.unmarshal(json, Node.class);
    assertThat(MODEL.toNodeInfo(lean)).isEqualTo(MODEL.toNodeInfo(node));
    assertThat(lean.getStatus().getImages()).isEmpty();
    Node fromEvent = (Node) LEAN.unmarshal(event("ADDED", json), WatchEvent.class).getObject();
    assertThat(MODEL.toNodeInfo(fromEvent)).isEqualTo(MODEL.toNodeInfo(node));
    assertThat(fromEvent.getMetadata().getResourceVersion()).isEqualTo("77");
  }

  @Test
  void nullsReadAsTheFullDecodingReadsThem() {
    String json =
        "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p\",\"namespace\":null,"
            + "\"labels\":{\"spark-role\":null,\"spark-app-selector\":\"j\"},\"annotations\":null},"
            + "\"spec\":{\"containers\":[null,{\"name\":\"c\",\"resources\":null}],"
            + "\"initContainers\":null,\"overhead\":{\"cpu\":\"250m\"},\"nodeName\":null},"
            + "\"status\":null}";
    readsAsTheFullDecoding(json);
  }

  /** The lean decoding of {@code json}, checked to read what the full one reads. */
  private static Pod readsAsTheFullDecoding(String json) {
    Pod lean = LEAN.unmarshal(json, Pod.class);
    assertThat(Read.of(lean)).isEqualTo(Read.of(FULL.unmarshal(json, Pod.class)));
    return lean;
  }

  /**
   * A quantity written as a number, as an amount and format, or as null reads as fabric8's own
   * deserializer reads it; of the resources only the requests are kept.
   */
  @Test
  void quantitiesInEveryFormReadAsTheFullDecodingReadsThem() {
    String json =
        "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\","
            + "\"resources\":{\"requests\":{\"cpu\":2,\"memory\":{\"amount\":\"4\",\"format\":\"Gi\"},"
            + "\"ephemeral-storage\":\"1e9\",\"example.com/x\":null},"
            + "\"limits\":{\"memory\":\"8Gi\"},\"claims\":[{\"name\":\"gpu\"}]}}],"
            + "\"resources\":{\"requests\":{\"cpu\":\"3\"},\"limits\":{\"cpu\":\"4\"}}}}";
    Pod lean = readsAsTheFullDecoding(json);
    assertThat(MODEL.toPodInfo(lean).demand().requested().amounts())
        .containsEntry("cpu", 3000L) // the pod-level request: 3 cores
        .containsEntry("memory", 4L << 30)
        .containsEntry("ephemeral-storage", 1_000_000_000L);
    var resources = lean.getSpec().getContainers().get(0).getResources();
    assertThat(resources.getLimits()).isNullOrEmpty();
    assertThat(resources.getClaims()).isNullOrEmpty();
  }

  private static Pod randomPod(Random r) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("spark-role", r.nextBoolean() ? "executor" : "driver");
    labels.put("spark-app-selector", "job-" + r.nextInt(5));
    if (r.nextBoolean()) {
      labels.put("app.kubernetes.io/name", "x".repeat(r.nextInt(60)));
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    if (r.nextBoolean()) {
      annotations.put("spotpack.dev/max-node-share", "0." + r.nextInt(10));
    }
    if (r.nextBoolean()) {
      annotations.put("spotpack.dev/max-spot-share", String.valueOf(r.nextDouble()));
    }
    annotations.put(
        "kubectl.kubernetes.io/last-applied-configuration", "{\"a\":" + r.nextInt() + "}");
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName("p-" + r.nextInt(1000))
            .withNamespace(r.nextInt(4) == 0 ? null : "ns-" + r.nextInt(3))
            .withUid(r.nextInt(4) == 0 ? null : "uid-" + r.nextLong())
            .withResourceVersion(String.valueOf(r.nextInt(1_000_000)))
            .withCreationTimestamp(
                r.nextBoolean() ? "2026-11-30T09:14:0" + r.nextInt(10) + "Z" : null)
            .withLabels(labels)
            .withAnnotations(annotations)
            .addNewManagedField()
            .withManager("kubelet")
            .withOperation("Update")
            .endManagedField()
            .endMetadata();
    var spec = b.withNewSpec().withSchedulerName("spotpack");
    if (r.nextBoolean()) {
      spec.withNodeName("node-" + r.nextInt(10));
    }
    int containers = 1 + r.nextInt(3);
    for (int i = 0; i < containers; i++) {
      spec.addToContainers(container(r, "c" + i, null));
    }
    if (r.nextBoolean()) {
      spec.addToInitContainers(container(r, "init", null));
      spec.addToInitContainers(container(r, "sidecar", r.nextBoolean() ? "Always" : null));
    }
    if (r.nextBoolean()) {
      spec.withOverhead(Map.of("cpu", new Quantity(r.nextInt(500) + "m")));
    }
    if (r.nextBoolean()) {
      spec.withNewResources()
          .withRequests(
              Map.of(
                  "cpu", new Quantity(String.valueOf(1 + r.nextInt(8))),
                  "example.com/foo", new Quantity("1")))
          .endResources();
    }
    if (r.nextBoolean()) {
      spec.addNewSchedulingGate().withName("spotpack.dev/placement").endSchedulingGate();
    }
    if (r.nextBoolean()) {
      spec.withNewAffinity()
          .withNewNodeAffinity()
          .withNewRequiredDuringSchedulingIgnoredDuringExecution()
          .addNewNodeSelectorTerm()
          .addNewMatchExpression()
          .withKey("topology.kubernetes.io/zone")
          .withOperator("In")
          .withValues("us-east-1a")
          .endMatchExpression()
          .endNodeSelectorTerm()
          .endRequiredDuringSchedulingIgnoredDuringExecution()
          .endNodeAffinity()
          .endAffinity();
    }
    spec.addNewVolume().withName("v").withNewEmptyDir().endEmptyDir().endVolume();
    spec.endSpec();
    String[] phases = {"Pending", "Running", "Succeeded", "Failed", null};
    b.withNewStatus()
        .withPhase(phases[r.nextInt(phases.length)])
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("True")
        .endCondition()
        .endStatus();
    return b.build();
  }

  private static io.fabric8.kubernetes.api.model.Container container(
      Random r, String name, String restartPolicy) {
    ContainerBuilder c =
        new ContainerBuilder()
            .withName(name)
            .withImage("img:" + r.nextInt(9))
            .withRestartPolicy(restartPolicy)
            .addNewEnv()
            .withName("A")
            .withValue("b")
            .endEnv();
    if (r.nextInt(4) > 0) {
      String[] cpu = {"100m", "1", "2.5", "4000m", "0.5"};
      String[] memory = {"256Mi", "1Gi", "129e6", "14745Mi"};
      c.withNewResources()
          .withRequests(
              Map.of(
                  "cpu", new Quantity(cpu[r.nextInt(cpu.length)]),
                  "memory", new Quantity(memory[r.nextInt(memory.length)])))
          .withLimits(Map.of("memory", new Quantity("16Gi")))
          .endResources();
    }
    return c.build();
  }

  /** The same object with its "kind" moved to the end. */
  private static String kindLast(String json) {
    ObjectNode tree = (ObjectNode) JSON.readTree(json);
    JsonNode kind = tree.remove("kind");
    tree.set("kind", kind);
    return JSON.writeValueAsString(tree);
  }

  private static String event(String type, String objectJson) {
    return "{\"type\":\"" + type + "\",\"object\":" + objectJson + "}";
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = LeanDecodingTest.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
