package dev.spotpack.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.spot.PodRoles;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
    assertThat(KubeModel.amount(resource, new Quantity(quantity), () -> "test")).isEqualTo(want);
  }

  /**
   * The forms objects carry are read in integer arithmetic: 4Gi = 4 × 2^30, 250m of memory ⌈0.25⌉.
   */
  @ParameterizedTest(name = "{0}={1}{2} → {3}")
  @CsvSource({
    "cpu, 500, m, 500",
    "cpu, 4, '', 4000",
    "cpu, 1, k, 1000000",
    "cpu, 1, n, 1", // 0.000001 millicores rounds up to 1
    "cpu, 1500000, n, 2", // 1.5 millicores rounds up
    "cpu, 2, Ki, 2048000",
    "memory, 4, Gi, 4294967296",
    "memory, 14745, Mi, 15461253120",
    "memory, 250, m, 1",
    "memory, 1000, m, 1",
    "memory, 1001, m, 2",
    "memory, 9, E, 9000000000000000000",
    "memory, 8191, Pi, 9222246136947933184", // 8191 × 2^50, just below 2^63
    "nvidia.com/gpu, 0002, '', 2",
    "cpu, 0, E, 0"
  })
  void readsThePlainFormsInIntegers(String resource, String digits, String suffix, long want) {
    assertThat(KubeModel.plainAmount(resource, digits, suffix)).isEqualTo(want);
  }

  /**
   * Wherever the integer path answers, the general one answers the same; where it declines for a
   * form it reads (one it could overflow), the general one finds the amount out of range. Every
   * suffix, 1 to 19 digits, random and extreme.
   */
  @Test
  void thePlainPathAgreesWithTheGeneralOne() {
    Random random = new Random(20261203);
    List<String> suffixes =
        List.of(
            "", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
            "e3", "K", "mi");
    int answered = 0;
    for (String resource : List.of("cpu", "memory")) {
      for (String suffix : suffixes) {
        for (int length = 1; length <= 19; length++) {
          for (int i = 0; i < 12; i++) {
            String digits = digits(random, length, i);
            Quantity q = new Quantity(digits, suffix);
            String what = resource + "=" + digits + suffix;
            long plain = KubeModel.plainAmount(resource, digits, suffix);
            if (plain >= 0) {
              answered++;
              assertThat(plain)
                  .as(what)
                  .isEqualTo(KubeModel.generalAmount(resource, q, () -> "test"));
            } else if (length <= 18 && PLAIN_SUFFIXES.contains(suffix)) {
              assertThatThrownBy(() -> KubeModel.generalAmount(resource, q, () -> "test"))
                  .as(what)
                  .hasMessageEndingWith("is out of range");
            }
          }
        }
      }
    }
    assertThat(answered)
        .isGreaterThan(3_000); // about 3,900 of the 6,480 plain forms up to 18 digits fit a long
  }

  private static final Set<String> PLAIN_SUFFIXES =
      Set.of("", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi");

  /** Case 0 all nines, 1 all zeros, 2 a one and zeros, otherwise random digits. */
  private static String digits(Random random, int length, int kind) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(
          switch (kind) {
            case 0 -> '9';
            case 1 -> '0';
            case 2 -> i == 0 ? '1' : '0';
            default -> (char) ('0' + random.nextInt(10));
          });
    }
    return out.toString();
  }

  @Test
  void namesTheFieldOfABadQuantity() {
    assertThatThrownBy(
            () ->
                KubeModel.amount(
                    "memory", new Quantity("12Zz"), () -> "pod a/b container c resources.requests"))
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
