package dev.spotpack.extender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.cluster.AssumptionListener;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.FilterDecision;
import dev.spotpack.policy.PolicyConfig;
import dev.spotpack.policy.Rule;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.SpotAnnotations;
import dev.spotpack.testing.Build;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An executor in flight (filtered, its bind not yet arrived) counts once in each pool of the spot
 * nodes its filter allowed: the filter records those pools with it, and the next executor's filter
 * reads them from that record. The path the live filter takes: policy, {@code
 * FilterDecision.inFlight()}, the state's record, the next snapshot's job.
 *
 * <p>Pools: a = spot-a1, spot-a2 (m6i.8xlarge in us-east-1a); b = spot-b1 (the same type in
 * us-east-1b). Four executors expected, per-node and per-pool fraction 0.5: C = max(1, floor(0.5 ×
 * 4)) = 2, P = max(C, floor(0.5 × 4)) = 2.
 */
class InFlightPoolsTest {
  static final List<String> CANDIDATES = List.of("spot-a1", "spot-a2", "spot-b1", "od-1");

  final ClusterState state =
      new ClusterState(
          PolicyConfig.DEFAULT.roles(), () -> 0L, Duration.ofMinutes(2), AssumptionListener.NONE);
  final SpotPolicy policy = new SpotPolicy(PolicyConfig.DEFAULT);

  InFlightPoolsTest() {
    state.upsertNode(spot("spot-a1", "us-east-1a"));
    state.upsertNode(spot("spot-a2", "us-east-1a"));
    state.upsertNode(spot("spot-b1", "us-east-1b"));
    state.upsertNode(Build.onDemandNode("od-1"));
  }

  @Test
  void anExecutorInFlightHoldsAPlaceInEveryPoolItMayLandIn() {
    PodInfo first = executor("exec-1");
    PodInfo second = executor("exec-2");
    PodInfo third = executor("exec-3");
    state.upsertPod(first.boundTo("spot-a1"));
    state.upsertPod(second);
    state.upsertPod(third);

    FilterDecision two = filter(second);
    assertThat(two.rejected()).isEmpty();
    assertThat(two.feasible()).isEqualTo(CANDIDATES);
    assertThat(two.inFlight().pools())
        .containsExactlyInAnyOrder("m6i.8xlarge/us-east-1a", "m6i.8xlarge/us-east-1b");

    // exec-2 may land on any spot node: spot-a1 holds exec-1 and exec-2, 2 + 1 > C = 2; spot-a2
    // holds exec-2 only (1 + 1 <= 2), but pool a holds both, 2 + 1 > P = 2; pool b only exec-2
    FilterDecision three = filter(third);
    assertThat(three.feasible()).containsExactly("spot-b1", "od-1");
    assertThat(three.rejected().get("spot-a1").rule()).isEqualTo(Rule.PER_NODE_CAP);
    assertThat(three.rejected().get("spot-a2").rule()).isEqualTo(Rule.PER_POOL_CAP);

    // exec-2's bind lands on spot-b1: pool a holds exec-1 only (1 + 1 <= 2), spot-b1 exec-2 only
    state.assumeBound(second.uid(), "spot-b1");
    assertThat(filter(third).feasible()).isEqualTo(CANDIDATES);
  }

  private FilterDecision filter(PodInfo pod) {
    FilterDecision decision = policy.filter(pod, CANDIDATES, state.snapshot());
    state.filtered(pod, decision.inFlight());
    return decision;
  }

  private static PodInfo executor(String name) {
    return Build.executor("job", name)
        .annotate(SpotAnnotations.EXPECTED_EXECUTORS, "4")
        .annotate(SpotAnnotations.MAX_SPOT_FRACTION_PER_NODE, "0.5")
        .annotate(SpotAnnotations.MAX_SPOT_FRACTION_PER_POOL, "0.5")
        .build();
  }

  private static NodeInfo spot(String name, String zone) {
    return Build.node(
        name,
        32_000,
        128L << 30,
        Map.of(
            "karpenter.sh/capacity-type", "spot",
            "node.kubernetes.io/instance-type", "m6i.8xlarge",
            "topology.kubernetes.io/zone", zone));
  }
}
