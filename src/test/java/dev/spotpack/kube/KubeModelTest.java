package dev.spotpack.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.spot.PodRoles;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

class KubeModelTest {
  private final KubeModel model =
      new KubeModel(new KubernetesSerialization(), PodRoles.SPARK.labelKeys());
  private final JsonMapper json = JsonMapper.builder().build();

  /** As Go's resource.Quantity: cpu MilliValue(), others Value(), both rounded up. */
  @ParameterizedTest(name = "{0}={1} → {2}")
  @CsvSource({
    "cpu, 100m, 100",
    "cpu, 0.5, 500",
    "cpu, 4, 4000",
    "cpu, 2.5m, 3", // 2.5 millicores rounds up to 3
    "cpu, 15890m, 15890",
    "memory, 1Gi, 1073741824",
    "memory, 1G, 1000000000",
    "memory, 62310964Ki, 63806427136",
    "memory, 129e6, 129000000",
    "memory, 128974848, 128974848",
    "memory, 0.5, 1", // half a byte rounds up
    "nvidia.com/gpu, 2, 2",
    "ephemeral-storage, 95551679124, 95551679124"
  })
  void convertsQuantitiesAsTheScheduler(String resource, String quantity, long want) {
    assertThat(KubeModel.amount(resource, new Quantity(quantity), "test")).isEqualTo(want);
  }

  @Test
  void namesTheFieldOfABadQuantity() {
    assertThatThrownBy(
            () ->
                KubeModel.amount(
                    "memory", new Quantity("12Zz"), "pod a/b container c resources.requests"))
        .isInstanceOf(KubeModelException.class)
        .hasMessage(
            "pod a/b container c resources.requests: memory=\"12Zz\" is not a valid quantity");
  }

  @Test
  void convertsAPodFromTheWireWithSidecarsAndPodLevelRequests() throws Exception {
    PodInfo pod =
        model.podFromJson(
            json.readTree(
                """
                {"metadata":{"name":"p","namespace":"ns","uid":"u1","creationTimestamp":null,
                             "labels":{"spark-role":"executor"},"annotations":{"spotpack.dev/profile":"BALANCED"}},
                 "spec":{"initContainers":[{"name":"side","restartPolicy":"Always","resources":{"requests":{"cpu":"200m"}}}],
                         "containers":[{"name":"c","resources":{"requests":{"cpu":"1","memory":"1Gi"}}}],
                         "resources":{"requests":{"memory":"2Gi","example.com/ignored":"1"}}},
                 "status":{}}\
                """));
    assertThat(pod.uid()).isEqualTo("u1");
    assertThat(pod.key()).isEqualTo("ns/p");
    assertThat(pod.labels()).containsEntry("spark-role", "executor");
    assertThat(pod.annotations()).containsEntry("spotpack.dev/profile", "BALANCED");
    assertThat(pod.isBound()).isFalse();
    // cpu: 1000 + sidecar 200 = 1200; memory: pod-level 2Gi replaces 1Gi; the unsupported pod-level
    // key is dropped
    assertThat(pod.demand().requested()).isEqualTo(Resources.cpuMemory(1200, 2L << 30));
  }

  @Test
  void readsTheUpstreamMinimalPod() throws Exception {
    PodInfo pod =
        model.podFromJson(
            json.readTree(
                "{\"metadata\":{\"name\":\"podname\",\"creationTimestamp\":null},\"spec\":{\"containers\":null},\"status\":{}}"));
    assertThat(pod.key()).isEqualTo("default/podname");
    assertThat(pod.uid()).isEqualTo("default/podname");
    assertThat(pod.demand().nonZeroRequested()).isEqualTo(Resources.NONE);
  }

  @Test
  void namesAPodOfTheWrongShape() {
    assertThatThrownBy(() -> model.podFromJson(json.readTree("{\"spec\":{\"containers\":\"x\"}}")))
        .isInstanceOf(KubeModelException.class)
        .hasMessageStartingWith("Pod is not a valid Kubernetes Pod: ");
  }

  @Test
  void convertsANode() throws Exception {
    NodeInfo node =
        model.nodeFromJson(
            json.readTree(
                """
                {"metadata":{"name":"n1","labels":{"karpenter.sh/capacity-type":"spot"}},
                 "status":{"allocatable":{"cpu":"15890m","memory":"62310964Ki","pods":"110"},
                           "daemonEndpoints":{"kubeletEndpoint":{"Port":10250}}}}\
                """));
    assertThat(node.name()).isEqualTo("n1");
    assertThat(node.labels()).isEqualTo(Map.of("karpenter.sh/capacity-type", "spot"));
    assertThat(node.allocatable().amounts())
        .isEqualTo(Map.of("cpu", 15890L, "memory", 63806427136L, "pods", 110L));
  }

  @Test
  void refusesANodeWithoutAName() {
    assertThatThrownBy(() -> model.nodeFromJson(json.readTree("{\"metadata\":{}}")))
        .isInstanceOf(KubeModelException.class)
        .hasMessage("Node has no metadata.name");
  }
}
