package dev.spotpack.policy;

import static dev.spotpack.testing.Build.GI;
import static dev.spotpack.testing.Build.executor;
import static dev.spotpack.testing.Build.node;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.NodeFacts;
import dev.spotpack.testing.Clusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * prioritize's scores (MostAllocated, cpu and memory weighted 1 each, on the extender's 0..10
 * scale, rounding half up), by name and by position alike. The incoming executor requests 1 cpu and
 * 4 GiB; every pod in the cluster too.
 */
class SpotPolicyScoresTest {
  private static final List<NodeInfo> NODES =
      List.of(
          node("a", 4_000, 16 * GI, Map.of()),
          node("b", 8_000, 32 * GI, Map.of()),
          node("c", 16_000, 64 * GI, Map.of()),
          node("full", 2_000, 8 * GI, Map.of()));

  private static final List<PodInfo> PODS =
      List.of(
          executor("j", "a-1").on("a").build(),
          executor("j", "a-2").on("a").build(),
          executor("j", "b-1").on("b").build(),
          executor("k", "full-1").on("full").build(),
          executor("k", "full-2").on("full").build());

  static Stream<Arguments> cases() {
    return Stream.of(
        // a: cpu (2,000 + 1,000) × 100 / 4,000 = 75, memory (8 + 4) × 100 / 16 = 75; (75 + 5) / 10
        Arguments.of("a node three quarters full with the pod", List.of("a"), new long[] {8}),
        // b: cpu 2,000 × 100 / 8,000 = 25, memory 8 × 100 / 32 = 25; (25 + 5) / 10 = 3
        Arguments.of("a node a quarter full", List.of("b"), new long[] {3}),
        // c: cpu 1,000 × 100 / 16,000 = 6 (6.25, floored), memory 4 × 100 / 64 = 6; (6 + 5) / 10
        Arguments.of("an empty node", List.of("c"), new long[] {1}),
        // full: cpu min(3,000, 2,000) × 100 / 2,000 = 100, memory likewise; (100 + 5) / 10 = 10
        Arguments.of("a node the pod overfills clamps to 10", List.of("full"), new long[] {10}),
        Arguments.of("a node the cluster does not hold scores 0", List.of("ghost"), new long[] {0}),
        Arguments.of(
            "many, in the candidates' order, a repeated node scored each time",
            List.of("c", "ghost", "a", "full", "b", "a"),
            new long[] {1, 0, 8, 10, 3, 8}),
        Arguments.of("no candidates", List.of(), new long[] {}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void scoresEachCandidate(String name, List<String> candidates, long[] want) {
    ClusterView view = Clusters.of(NODES, PODS);
    SpotPolicy policy = new SpotPolicy(PolicyConfig.DEFAULT);
    PodInfo pod = executor("j", "new").build();

    assertThat(policy.extenderScores(pod, candidates, view)).containsExactly(want);
    assertThat(policy.prioritize(pod, candidates, view))
        .extracting(NodeScore::score)
        .containsExactlyElementsOf(LongStream.of(want).boxed().toList());
    assertThat(policy.prioritize(pod, candidates, view))
        .extracting(NodeScore::node)
        .containsExactlyElementsOf(candidates);

    // the facts of the cluster's nodes in reverse order, so that a position is not an index
    List<String> order = new ArrayList<>(NODES.stream().map(NodeInfo::name).toList());
    Collections.reverse(order);
    NodeFacts facts = NodeFacts.of(order, view, PolicyConfig.DEFAULT.spotNodes(), order::indexOf);
    assertThat(
            policy.extenderScores(
                pod, candidates, view, facts, i -> order.indexOf(candidates.get(i))))
        .containsExactly(want);
  }
}
