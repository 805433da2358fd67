package dev.spotpack.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.spot.PlacementGate;
import dev.spotpack.policy.spot.PlacementGate.Requirement;
import dev.spotpack.policy.spot.PlacementGate.Term;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.policy.spot.Profiles;
import dev.spotpack.policy.spot.SpotNodes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The merge patch that lifts the gate: exactly what an update of a gated pod may change. */
class GateControllerPatchTest {
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  static final JsonMapper MAPPER = JsonMapper.builder().build();
  final KubernetesClient client = new KubernetesClientBuilder().build(); // never connects here
  final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  final GateController controller =
      new GateController(
          client,
          GateController.patcher(client),
          new ClusterState(PodRoles.SPARK),
          new PlacementGate(PodRoles.SPARK, SpotNodes.DEFAULT, Profiles.DEFAULT),
          PodRoles.SPARK,
          () -> true,
          executor,
          Runnable::run,
          new SimpleMeterRegistry(),
          Clock.systemUTC());

  static final PlacementGate.Release EXCLUDE =
      new PlacementGate.Release(
          List.of(
              new Term(
                  List.of(
                      new Requirement("t", "In", List.of("m")),
                      new Requirement("z", "NotIn", List.of("z1")))),
              new Term(List.of(new Requirement("t", "NotIn", List.of("m"))))),
          true,
          "why");

  @AfterEach
  void close() {
    executor.shutdownNow();
    client.close();
  }

  static Pod pod(String spec) {
    return SERIALIZATION.unmarshal(
        "{\"metadata\":{\"name\":\"e\",\"namespace\":\"ns\",\"resourceVersion\":\"42\"},"
            + "\"spec\":"
            + spec
            + "}",
        Pod.class);
  }

  @Test
  void withoutAffinityItSetsTheTermsAndKeepsOtherGates() {
    Pod pod =
        pod("{\"schedulingGates\":[{\"name\":\"a/b\"},{\"name\":\"spotpack.dev/placement\"}]}");
    assertThat(MAPPER.writeValueAsString(controller.patch(pod, EXCLUDE)))
        .isEqualTo(
            "{\"metadata\":{\"resourceVersion\":\"42\",\"annotations\":{\"spotpack.dev/placement-hint\":\"why\"}},"
                + "\"spec\":{\"schedulingGates\":[{\"name\":\"a/b\"}],\"affinity\":{\"nodeAffinity\":"
                + "{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":["
                + "{\"matchExpressions\":[{\"key\":\"t\",\"operator\":\"In\",\"values\":[\"m\"]},"
                + "{\"key\":\"z\",\"operator\":\"NotIn\",\"values\":[\"z1\"]}]},"
                + "{\"matchExpressions\":[{\"key\":\"t\",\"operator\":\"NotIn\",\"values\":[\"m\"]}]}]}}}}}");
  }

  @Test
  void ownTermsGetTheSingleTermsExpressionsAddedAndKeepTheirOwn() {
    Pod pod =
        pod(
            "{\"schedulingGates\":[{\"name\":\"spotpack.dev/placement\"}],\"affinity\":{\"nodeAffinity\":"
                + "{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":["
                + "{\"matchExpressions\":[{\"key\":\"pool\",\"operator\":\"In\",\"values\":[\"spark\"]}]},"
                + "{\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"In\",\"values\":[\"n1\"]}]}]}}}}");
    PlacementGate.Release single =
        new PlacementGate.Release(
            List.of(new Term(List.of(new Requirement("t", "NotIn", List.of("m"))))), true, "why");
    assertThat(
            MAPPER.writeValueAsString(controller.patch(pod, single).path("spec").path("affinity")))
        .isEqualTo(
            "{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":["
                + "{\"matchExpressions\":[{\"key\":\"pool\",\"operator\":\"In\",\"values\":[\"spark\"]},"
                + "{\"key\":\"t\",\"operator\":\"NotIn\",\"values\":[\"m\"]}]},"
                + "{\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"In\",\"values\":[\"n1\"]}],"
                + "\"matchExpressions\":[{\"key\":\"t\",\"operator\":\"NotIn\",\"values\":[\"m\"]}]}]}}}");
  }

  @Test
  void noTermsTouchesNoAffinity() {
    Pod pod = pod("{\"schedulingGates\":[{\"name\":\"spotpack.dev/placement\"}]}");
    assertThat(
            controller
                .patch(pod, new PlacementGate.Release(List.of(), true, "why"))
                .path("spec")
                .has("affinity"))
        .isFalse();
    assertThat(GateController.hasGate(pod)).isTrue();
    assertThat(GateController.hasGate(pod("{}"))).isFalse();
  }
}
