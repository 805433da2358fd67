package dev.spotpack.policy;

import static dev.spotpack.testing.Build.driver;
import static dev.spotpack.testing.Build.executor;
import static dev.spotpack.testing.Build.onDemandNode;
import static dev.spotpack.testing.Build.pod;
import static dev.spotpack.testing.Build.spotNode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.NodeFacts;
import dev.spotpack.testing.Build;
import dev.spotpack.testing.Clusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SpotPolicyTest {
  static final List<NodeInfo> NODES =
      List.of(spotNode("spot-a"), spotNode("spot-b"), spotNode("spot-c"), onDemandNode("od-1"));
  static final List<String> ALL = List.of("spot-a", "spot-b", "spot-c", "od-1");

  record Case(
      String name,
      PolicyConfig config,
      List<PodInfo> cluster,
      PodInfo pod,
      List<String> candidates,
      Map<String, String> wantRejected) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * {@code count} executors of {@code job} named {@code prefix-i}, on {@code node} (null: pending).
   */
  static List<PodInfo> executors(String job, String prefix, int count, String node) {
    return IntStream.rangeClosed(1, count)
        .mapToObj(
            i -> {
              Build.PodBuilder b = executor(job, prefix + "-" + i);
              return (node == null ? b : b.on(node)).build();
            })
        .toList();
  }

  @SafeVarargs
  static List<PodInfo> concat(List<PodInfo>... parts) {
    List<PodInfo> all = new ArrayList<>();
    for (List<PodInfo> p : parts) {
      all.addAll(p);
    }
    return all;
  }

  static Map<String, String> rejected(String... nodeMessagePairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < nodeMessagePairs.length; i += 2) {
      m.put(nodeMessagePairs[i], nodeMessagePairs[i + 1]);
    }
    return m;
  }

  static Stream<Case> cases() {
    PolicyConfig defaults = PolicyConfig.DEFAULT;
    String shareMsg =
        "spot node: job j already has 4 of its 8 executors on spot nodes (spot share limit 4 ="
            + " 50%); limit set by spotpack";
    return Stream.of(
        // N = 3 + 2 + 6 pending + the pod = 12; C = max(1, floor(0.25 × 12)) = 3;
        // spot-a: 3 + 1 > 3 → rejected; spot-b: 2 + 1 ≤ 3 → passes
        new Case(
            "the per-node cap, as in the issue",
            defaults,
            concat(
                executors("spark-7f3", "a", 3, "spot-a"),
                executors("spark-7f3", "b", 2, "spot-b"),
                executors("spark-7f3", "p", 6, null)),
            executor("spark-7f3", "new").build(),
            ALL,
            rejected(
                "spot-a",
                "spot node: job spark-7f3 already has 3 of its 12 executors here (cap 3 = 25%);"
                    + " limit set by spotpack")),
        // N = 2 + the pod = 3; C = max(1, floor(0.75)) = 1; spot-a: 2 + 1 > 1
        new Case(
            "a small job gets one executor per spot node",
            defaults,
            executors("j", "a", 2, "spot-a"),
            executor("j", "new").build(),
            ALL,
            rejected(
                "spot-a",
                "spot node: job j already has 2 of its 3 executors here (cap 1 = 25%); limit set by"
                    + " spotpack")),
        // N = max(12, 3) = 12; C = floor(0.25 × 12) = 3; spot-a: 2 + 1 ≤ 3 → passes
        new Case(
            "expected-executors raises N before the job has started its executors",
            defaults,
            executors("j", "a", 2, "spot-a"),
            executor("j", "new").annotate("spotpack.dev/expected-executors", "12").build(),
            ALL,
            rejected()),
        // N = max(2, 3 + 8 pending + pod = 12) = 12: a declared size below the live count does not
        // shrink N
        new Case(
            "expected-executors below the live count does not tighten the cap",
            defaults,
            concat(executors("j", "a", 3, "spot-a"), executors("j", "p", 8, null)),
            executor("j", "new").annotate("spotpack.dev/expected-executors", "2").build(),
            ALL,
            rejected(
                "spot-a",
                "spot node: job j already has 3 of its 12 executors here (cap 3 = 25%); limit set"
                    + " by spotpack")),
        // the pod is already known as pending: N = 3 + 8 + itself counted once = 12, not 13
        new Case(
            "the pod being scheduled is counted once",
            defaults,
            concat(
                executors("j", "a", 3, "spot-a"),
                executors("j", "p", 8, null),
                List.of(executor("j", "new").build())),
            executor("j", "new").build(),
            ALL,
            rejected(
                "spot-a",
                "spot node: job j already has 3 of its 12 executors here (cap 3 = 25%); limit set"
                    + " by spotpack")),
        // s = 0.5, f = 1: N = 2 + 2 + 3 pending + pod = 8; S = ceil(0.5 × 8) = 4; on spot 4 + 1 > 4
        // → every spot node
        new Case(
            "the job's spot share",
            defaults,
            concat(
                executors("j", "a", 2, "spot-a"),
                executors("j", "b", 2, "spot-b"),
                executors("j", "p", 3, null)),
            executor("j", "new")
                .annotate("spotpack.dev/max-spot-share", "0.5")
                .annotate("spotpack.dev/max-spot-fraction-per-node", "1")
                .build(),
            ALL,
            rejected("spot-a", shareMsg, "spot-b", shareMsg, "spot-c", shareMsg)),
        // same job with one fewer on spot: 3 + 1 ≤ 4 → all pass (f = 1 → C = 8)
        new Case(
            "the job's spot share with room left",
            defaults,
            concat(
                executors("j", "a", 2, "spot-a"),
                executors("j", "b", 1, "spot-b"),
                executors("j", "p", 4, null)),
            executor("j", "new")
                .annotate("spotpack.dev/max-spot-share", "0.5")
                .annotate("spotpack.dev/max-spot-fraction-per-node", "1")
                .build(),
            ALL,
            rejected()),
        // RELIABILITY_OVER_COST: f 0.1, s 0.5; N = 1 + 9 pending + pod = 11; S = ceil(5.5) = 6, on
        // spot 1 → ok;
        // C = max(1, floor(1.1)) = 1; spot-a has 1 → 1 + 1 > 1
        new Case(
            "profile RELIABILITY_OVER_COST",
            defaults,
            concat(executors("j", "a", 1, "spot-a"), executors("j", "p", 9, null)),
            executor("j", "new").annotate("spotpack.dev/profile", "RELIABILITY_OVER_COST").build(),
            ALL,
            rejected(
                "spot-a",
                "spot node: job j already has 1 of its 11 executors here (cap 1 = 10%); limit set"
                    + " by spotpack")),
        new Case(
            "profile ON_DEMAND_ONLY keeps executors off every spot node",
            defaults,
            List.of(),
            executor("j", "new").annotate("spotpack.dev/profile", "ON_DEMAND_ONLY").build(),
            ALL,
            rejected(
                "spot-a",
                    "spot node: job j may not use spot nodes (max-spot-share 0, profile"
                        + " ON_DEMAND_ONLY); limit set by spotpack",
                "spot-b",
                    "spot node: job j may not use spot nodes (max-spot-share 0, profile"
                        + " ON_DEMAND_ONLY); limit set by spotpack",
                "spot-c",
                    "spot node: job j may not use spot nodes (max-spot-share 0, profile"
                        + " ON_DEMAND_ONLY); limit set by spotpack")),
        new Case(
            "a driver stays off spot nodes",
            defaults,
            List.of(),
            driver("j", "drv").build(),
            ALL,
            rejected(
                "spot-a",
                    "spot node: spotpack keeps Spark drivers off spot nodes (config"
                        + " spot.allowDrivers: false)",
                "spot-b",
                    "spot node: spotpack keeps Spark drivers off spot nodes (config"
                        + " spot.allowDrivers: false)",
                "spot-c",
                    "spot node: spotpack keeps Spark drivers off spot nodes (config"
                        + " spot.allowDrivers: false)")),
        new Case(
            "a driver may use spot when configured",
            new PolicyConfig(
                defaults.roles(),
                defaults.spotNodes(),
                true,
                defaults.profiles(),
                defaults.scoringWeights(),
                defaults.capsFallback()),
            List.of(),
            driver("j", "drv").build(),
            ALL,
            rejected()),
        new Case(
            "a pod without a job label passes every node, even one spotpack does not know",
            defaults,
            executors("j", "a", 5, "spot-a"),
            pod("web").build(),
            List.of("spot-a", "od-1", "brand-new"),
            rejected()),
        new Case(
            "a job pod that is neither driver nor executor gets no caps",
            defaults,
            executors("j", "a", 5, "spot-a"),
            pod("shuffle").label("spark-app-selector", "j").build(),
            ALL,
            rejected()),
        new Case(
            "a node spotpack has not seen is rejected for an executor",
            defaults,
            List.of(),
            executor("j", "new").build(),
            List.of("od-1", "brand-new"),
            rejected(
                "brand-new",
                "node not yet known to spotpack, which needs its labels to apply the spot rules")),
        // inactive executors do not count: N = pod = 1, C = 1, spot-a has 0 active → passes
        new Case(
            "inactive executors do not count",
            defaults,
            List.of(
                executor("j", "old-1").label("spark-exec-inactive", "true").on("spot-a").build(),
                executor("j", "old-2").label("spark-exec-inactive", "true").on("spot-a").build()),
            executor("j", "new").build(),
            ALL,
            rejected()),
        // another job's executors do not count against this one: N = 1, C = 1, spot-a has 0 of job
        // j
        new Case(
            "another job's executors do not count",
            defaults,
            executors("other", "a", 5, "spot-a"),
            executor("j", "new").build(),
            ALL,
            rejected()),
        new Case(
            "a bad annotation rejects every node, on-demand too",
            defaults,
            List.of(),
            executor("j", "new").annotate("spotpack.dev/max-spot-share", "abc").build(),
            ALL,
            rejected(
                "spot-a",
                    "spotpack: annotation spotpack.dev/max-spot-share=\"abc\" is invalid: expected"
                        + " a decimal number from 0 to 1, such as 0.25",
                "spot-b",
                    "spotpack: annotation spotpack.dev/max-spot-share=\"abc\" is invalid: expected"
                        + " a decimal number from 0 to 1, such as 0.25",
                "spot-c",
                    "spotpack: annotation spotpack.dev/max-spot-share=\"abc\" is invalid: expected"
                        + " a decimal number from 0 to 1, such as 0.25",
                "od-1",
                    "spotpack: annotation spotpack.dev/max-spot-share=\"abc\" is invalid: expected"
                        + " a decimal number from 0 to 1, such as 0.25")),
        // the pod is already bound to spot-a (a re-filter): it does not count against itself there;
        // N = 3 bound + 8 pending = 11 (pod included), C = floor(2.75) = 2; spot-a: 2 others + 1 ≤
        // 2? no → 3 > 2
        new Case(
            "the pod does not count against itself",
            defaults,
            concat(
                executors("j", "a", 2, "spot-a"),
                executors("j", "p", 8, null),
                List.of(executor("j", "new").on("spot-a").build())),
            executor("j", "new").build(),
            ALL,
            rejected(
                "spot-a",
                "spot node: job j already has 2 of its 11 executors here (cap 2 = 25%); limit set"
                    + " by spotpack")));
  }

  /**
   * spot.onCapsExhausted: relax after 5 minutes; the job is at its cap on spot-a (3 of 12, cap 3).
   */
  @ParameterizedTest(name = "pending {0} s: spot-a {1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "0, refused",
    "299, refused",
    "300, passes",
    "3600, passes"
  })
  void relaxesTheCapsForAnExecutorThatWaitedLongEnough(long pendingSeconds, String want) {
    PolicyConfig d = PolicyConfig.DEFAULT;
    PolicyConfig relax =
        new PolicyConfig(
            d.roles(),
            d.spotNodes(),
            d.driversOnSpot(),
            d.profiles(),
            d.scoringWeights(),
            new dev.spotpack.policy.spot.CapsFallback(
                dev.spotpack.policy.spot.CapsFallback.Mode.RELAX, Duration.ofMinutes(5)));
    ClusterView view =
        Clusters.of(NODES, concat(executors("j", "a", 3, "spot-a"), executors("j", "p", 8, null)));
    FilterDecision decision =
        new SpotPolicy(relax)
            .filter(executor("j", "new").build(), ALL, view, Duration.ofSeconds(pendingSeconds));
    assertThat(decision.feasible().contains("spot-a")).isEqualTo(want.equals("passes"));
    // a driver is never relaxed onto spot, however long it waits
    assertThat(
            new SpotPolicy(relax)
                .filter(driver("j", "drv").build(), ALL, view, Duration.ofHours(1))
                .feasible())
        .containsExactly("od-1");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filters(Case c) {
    check(c, NODES);
  }

  /**
   * The case's rejections exactly, and every other candidate feasible, in order; and the same
   * decision when the policy reads the candidates' facts by position instead of by name.
   */
  static FilterDecision check(Case c, List<NodeInfo> nodes) {
    ClusterView view = Clusters.of(nodes, c.cluster());
    SpotPolicy policy = new SpotPolicy(c.config());
    FilterDecision decision = policy.filter(c.pod(), c.candidates(), view);

    // the facts of the cluster's nodes in reverse order, so that a position is not an index
    List<String> order = new ArrayList<>(nodes.stream().map(NodeInfo::name).toList());
    Collections.reverse(order);
    NodeFacts facts = NodeFacts.of(order, view, c.config().spotNodes(), order::indexOf);
    assertThat(
            policy.filter(
                c.pod(),
                c.candidates(),
                view,
                Duration.ZERO,
                facts,
                i -> order.indexOf(c.candidates().get(i))))
        .isEqualTo(decision);

    Map<String, String> gotRejected = new LinkedHashMap<>();
    decision.rejected().forEach((node, r) -> gotRejected.put(node, r.message()));
    assertThat(gotRejected).containsExactlyInAnyOrderEntriesOf(c.wantRejected());
    List<String> wantFeasible =
        c.candidates().stream().filter(n -> !c.wantRejected().containsKey(n)).toList();
    assertThat(decision.feasible()).containsExactlyElementsOf(wantFeasible);
    return decision;
  }

  /** A spot node of 16 cpu in pool {@code type/zone}; null labels leave it without pool labels. */
  static NodeInfo pooledSpot(String name, String type, String zone) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("karpenter.sh/capacity-type", "spot");
    if (type != null) {
      labels.put("node.kubernetes.io/instance-type", type);
      labels.put("topology.kubernetes.io/zone", zone);
    }
    return Build.node(name, 16_000, 64 * Build.GI, labels);
  }

  /**
   * Pool m/z1: spot-a, spot-b, spot-d; pool m/z2: spot-c; spot-x and spot-y carry no pool labels.
   */
  static final List<NodeInfo> POOLED =
      List.of(
          pooledSpot("spot-a", "m", "z1"),
          pooledSpot("spot-b", "m", "z1"),
          pooledSpot("spot-d", "m", "z1"),
          pooledSpot("spot-c", "m", "z2"),
          pooledSpot("spot-x", null, null),
          pooledSpot("spot-y", null, null),
          onDemandNode("od-1"));

  static final List<String> POOLED_NAMES =
      List.of("spot-a", "spot-b", "spot-d", "spot-c", "spot-x", "spot-y", "od-1");

  static Stream<Case> poolCases() {
    PolicyConfig defaults = PolicyConfig.DEFAULT;
    String nodeCapA =
        "spot node: job j already has 3 of its 12 executors here (cap 3 = 25%); limit set by"
            + " spotpack";
    return Stream.of(
        // BALANCED: N = 3 + 3 + 5 pending + pod = 12; C = max(1, floor(0.25 x 12)) = 3;
        // P = max(3, floor(0.5 x 12)) = 6. spot-a, spot-b: 3 + 1 > 3 (node cap).
        // spot-d holds none, but pool m/z1 holds 6: 6 + 1 > 6. spot-c (pool m/z2) passes.
        new Case(
            "a pool at its cap refuses a node that is under its own",
            defaults,
            concat(
                executors("j", "a", 3, "spot-a"),
                executors("j", "b", 3, "spot-b"),
                executors("j", "p", 5, null)),
            executor("j", "new").build(),
            POOLED_NAMES,
            rejected("spot-a", nodeCapA, "spot-b", nodeCapA, "spot-d", poolFull(6, 6, "50%"))),
        // annotation p = 0.1: floor(0.1 x 12) = 1 < C = 3, so P = 3. Pool m/z1 holds 2 + 1 = 3:
        // spot-d refused (3 + 1 > 3) although spot-a (2) and spot-b (1) are under the node cap...
        // and
        // refused too, by the pool. spot-c and the unlabelled nodes pass.
        new Case(
            "a pool cap below the node cap is raised to it",
            defaults,
            concat(
                executors("j", "a", 2, "spot-a"),
                executors("j", "b", 1, "spot-b"),
                executors("j", "p", 8, null)),
            executor("j", "new").annotate("spotpack.dev/max-spot-fraction-per-pool", "0.1").build(),
            POOLED_NAMES,
            rejected(
                "spot-a", poolFull(3, 3, "10%"),
                "spot-b", poolFull(3, 3, "10%"),
                "spot-d", poolFull(3, 3, "10%"))),
        // annotation p = 0.75 raises P to max(3, 9) = 9: pool m/z1 with 6 has room; spot-d passes
        new Case(
            "the annotation raises the pool cap",
            defaults,
            concat(
                executors("j", "a", 3, "spot-a"),
                executors("j", "b", 3, "spot-b"),
                executors("j", "p", 5, null)),
            executor("j", "new")
                .annotate("spotpack.dev/max-spot-fraction-per-pool", "0.75")
                .build(),
            POOLED_NAMES,
            rejected("spot-a", nodeCapA, "spot-b", nodeCapA)),
        // p = 0 gives P = C = 3. spot-x and spot-y lack the pool labels: each is a pool of its own,
        // so
        // spot-x (2 + 1 <= 3) and spot-y (0) pass while pool m/z1 (3) is full.
        new Case(
            "nodes without pool labels are pools of their own",
            defaults,
            concat(
                executors("j", "a", 3, "spot-a"),
                executors("j", "x", 2, "spot-x"),
                executors("j", "p", 6, null)),
            executor("j", "new").annotate("spotpack.dev/max-spot-fraction-per-pool", "0").build(),
            POOLED_NAMES,
            rejected(
                "spot-a",
                nodeCapA,
                "spot-b",
                poolFull(3, 3, "0%"),
                "spot-d",
                poolFull(3, 3, "0%"))),
        // COST_OVER_RELIABILITY: p = 1, P = N: no pool cap beyond the job itself
        new Case(
            "COST_OVER_RELIABILITY has no pool cap below the job's size",
            defaults,
            concat(
                executors("j", "a", 4, "spot-a"),
                executors("j", "b", 4, "spot-b"),
                executors("j", "p", 3, null)),
            executor("j", "new").annotate("spotpack.dev/profile", "COST_OVER_RELIABILITY").build(),
            POOLED_NAMES,
            rejected()),
        // the share rule is still checked first: s = 0 refuses every spot node, pool or not
        new Case(
            "a pool cap does not hide the spot share",
            defaults,
            List.of(),
            executor("j", "new").annotate("spotpack.dev/max-spot-share", "0").build(),
            List.of("spot-d", "od-1"),
            rejected(
                "spot-d",
                "spot node: job j may not use spot nodes (max-spot-share 0, profile BALANCED);"
                    + " limit set by spotpack")));
  }

  /**
   * The refusal of a node in pool m/z1 holding {@code has} of the job's 12 (C = 3), cap P, p as a
   * percentage.
   */
  static String poolFull(int has, int cap, String p) {
    return "spot pool m/z1: job j already has "
        + has
        + " of its 12 executors on spot nodes of this pool (pool cap "
        + cap
        + " = max(node cap 3, "
        + p
        + " of 12)); limit set by spotpack";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("poolCases")
  void appliesThePoolCap(Case c) {
    FilterDecision decision = check(c, POOLED);
    decision
        .rejected()
        .forEach(
            (node, r) -> {
              if (r.message().startsWith("spot pool")) {
                assertThat(r.rule()).isEqualTo(Rule.PER_POOL_CAP);
              }
            });
  }

  /** The report shows the pool cap, executors per pool and the largest pool share. */
  @org.junit.jupiter.api.Test
  void reportsPools() {
    ClusterView view =
        Clusters.of(
            POOLED,
            concat(
                executors("j", "a", 3, "spot-a"),
                executors("j", "b", 2, "spot-b"),
                executors("j", "c", 1, "spot-c"),
                executors("j", "p", 6, null)));
    JobReport r = new SpotPolicy(PolicyConfig.DEFAULT).report("j", Map.of(), view);
    // N = 12, C = 3, P = max(3, floor(0.5 x 12)) = 6; pool m/z1 holds 5 = 5/12
    assertThat(r.perPoolCap()).isEqualTo(6);
    assertThat(r.pools())
        .containsExactly(new JobReport.PoolCount("m/z1", 5), new JobReport.PoolCount("m/z2", 1));
    assertThat(r.maxSpotPoolShare()).isEqualTo(5 / 12.0);
    assertThat(new SpotPolicy(PolicyConfig.DEFAULT).spotNodesWithoutPoolLabels(POOLED))
        .isEqualTo(2);
  }
}
