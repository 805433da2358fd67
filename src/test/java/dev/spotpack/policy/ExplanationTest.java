package dev.spotpack.policy;

import static dev.spotpack.testing.Build.driver;
import static dev.spotpack.testing.Build.executor;
import static dev.spotpack.testing.Build.node;
import static dev.spotpack.testing.Build.onDemandNode;
import static dev.spotpack.testing.Build.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.PodRoles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code spotpack explain}'s answer for a pod, node by node. The cluster: three spot nodes in pool
 * m5/a (s1, s2, s4), one in m5/b (s3), one on-demand node (od). The job has 8 executors known with
 * the next one; with BALANCED (f 0.25, p 0.5): N = 8, C = max(1, floor(0.25 x 8)) = 2, P = max(2,
 * floor(0.5 x 8)) = 4.
 */
class ExplanationTest {
  record Case(
      String name,
      List<String> placed,
      PodInfo pod,
      Map<String, String> wantVerdicts,
      String wantRole,
      String wantChangeStartingWith) {
    @Override
    public String toString() {
      return name;
    }
  }

  static NodeInfo spot(String name, String pool) {
    return node(
        name,
        16_000,
        64L << 30,
        Map.of(
            "karpenter.sh/capacity-type", "spot",
            "node.kubernetes.io/instance-type", "m5",
            "topology.kubernetes.io/zone", pool));
  }

  static Stream<Case> cases() {
    PodInfo next = executor("j", "next").build();
    return Stream.of(
        // s1 holds 2 = C; s2 holds 1: a second one fits (1 + 1 <= 2); pool a holds 3 < P
        new Case(
            "a node at the per-node cap",
            List.of("s1", "s1", "s2", "od", "od", "od", "od"),
            next,
            Map.of("s1", "per_node_cap", "s2", "", "s3", "", "s4", "", "od", ""),
            "executor of job j",
            "1 spot node(s) hold the job's per-node cap C = 2 of N = 8"),
        // pool a holds s1 1 + s2 2 + s4 1 = 4 = P: s1 and s4 have room for one (1 + 1 <= C) but
        // not their pool (4 + 1 > 4); s2 is at C (checked first); s3 in pool b passes
        new Case(
            "a pool at its cap",
            List.of("s1", "s2", "s2", "s4", "od", "od", "od"),
            next,
            Map.of(
                "s1", "per_pool_cap",
                "s2", "per_node_cap",
                "s3", "",
                "s4", "per_pool_cap",
                "od", ""),
            "executor of job j",
            "pool(s) m5/a hold the job's per-pool cap P = 4"),
        new Case(
            "a driver",
            List.of("od"),
            driver("j", "drv").build(),
            Map.of(
                "s1", "driver_on_spot",
                "s2", "driver_on_spot",
                "s3", "driver_on_spot",
                "s4", "driver_on_spot",
                "od", ""),
            "driver of job j",
            "drivers stay on on-demand nodes"),
        new Case(
            "a bad annotation",
            List.of(),
            executor("j", "bad").annotate("spotpack.dev/max-spot-share", "abc").build(),
            Map.of(
                "s1", "invalid_annotation",
                "s2", "invalid_annotation",
                "s3", "invalid_annotation",
                "s4", "invalid_annotation",
                "od", "invalid_annotation"),
            "executor of job j",
            "fix the annotation"),
        new Case(
            "a pod outside any job",
            List.of(),
            pod("web").build(),
            Map.of("s1", "", "s2", "", "s3", "", "s4", "", "od", ""),
            "not part of a Spark job",
            "5 node(s) pass spotpack's rules"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void explainsEveryNode(Case c) {
    ClusterState state = new ClusterState(PodRoles.SPARK);
    List<NodeInfo> nodes =
        List.of(
            spot("s1", "a"), spot("s2", "a"), spot("s3", "b"), spot("s4", "a"), onDemandNode("od"));
    nodes.forEach(state::upsertNode);
    for (int i = 0; i < c.placed().size(); i++) {
      state.upsertPod(executor("j", "e" + i).on(c.placed().get(i)).build());
    }
    state.upsertPod(c.pod());
    ClusterSnapshot view = state.snapshot();

    Explanation e =
        new SpotPolicy(PolicyConfig.DEFAULT).explain(c.pod(), view, view.allNodes(), Duration.ZERO);

    List<String> got = new ArrayList<>();
    e.nodes().forEach(v -> got.add(v.node() + "=" + (v.passes() ? "" : v.rule().label())));
    List<String> want = new ArrayList<>();
    c.wantVerdicts().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(en -> want.add(en.getKey() + "=" + en.getValue()));
    assertThat(got).as("nodes in name order").isEqualTo(want);
    assertThat(e.role()).isEqualTo(c.wantRole());
    assertThat(e.changes()).anySatisfy(s -> assertThat(s).startsWith(c.wantChangeStartingWith()));
  }
}
