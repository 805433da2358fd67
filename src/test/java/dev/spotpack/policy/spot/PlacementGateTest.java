package dev.spotpack.policy.spot;

import static dev.spotpack.testing.Build.executor;
import static dev.spotpack.testing.Build.onDemandNode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.PlacementGate.Hold;
import dev.spotpack.policy.spot.PlacementGate.Release;
import dev.spotpack.policy.spot.PlacementGate.Requirement;
import dev.spotpack.policy.spot.PlacementGate.Term;
import dev.spotpack.testing.Build;
import dev.spotpack.testing.Clusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PlacementGateTest {
  static final String TYPE = "node.kubernetes.io/instance-type";
  static final String ZONE = "topology.kubernetes.io/zone";

  /** The default spot selectors, grouped by key: what "not a spot node" says. */
  static final Term OFF_SPOT =
      new Term(
          List.of(
              new Requirement("karpenter.sh/capacity-type", "NotIn", List.of("spot")),
              new Requirement("eks.amazonaws.com/capacityType", "NotIn", List.of("SPOT")),
              new Requirement("cloud.google.com/gke-spot", "NotIn", List.of("true")),
              new Requirement("cloud.google.com/gke-preemptible", "NotIn", List.of("true")),
              new Requirement("kubernetes.azure.com/scalesetpriority", "NotIn", List.of("spot")),
              new Requirement("spotpack.dev/capacity-type", "NotIn", List.of("spot"))));

  static final PlacementGate GATE =
      new PlacementGate(PodRoles.SPARK, SpotNodes.DEFAULT, Profiles.DEFAULT);

  static NodeInfo spot(String name, String type, String zone) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("karpenter.sh/capacity-type", "spot");
    if (type != null) {
      labels.put(TYPE, type);
      labels.put(ZONE, zone);
    }
    return Build.node(name, 64_000, 256 * Build.GI, labels);
  }

  /** Pool m/z1: a1, a2; pool m/z2: b1; pool c/z1: c1; x1 carries no pool labels. */
  static final List<NodeInfo> NODES =
      List.of(
          spot("a1", "m", "z1"),
          spot("a2", "m", "z1"),
          spot("b1", "m", "z2"),
          spot("c1", "c", "z1"),
          spot("x1", null, null),
          onDemandNode("od"));

  static List<PodInfo> placed(String node, int count, String prefix) {
    List<PodInfo> pods = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      pods.add(executor("j", prefix + i).on(node).build());
    }
    return pods;
  }

  @SafeVarargs
  static List<PodInfo> concat(List<PodInfo>... parts) {
    return Stream.of(parts).flatMap(List::stream).toList();
  }

  static Term term(Requirement... requirements) {
    return new Term(List.of(requirements));
  }

  static Requirement in(String key, String... values) {
    return new Requirement(key, "In", List.of(values));
  }

  static Requirement notIn(String key, String... values) {
    return new Requirement(key, "NotIn", List.of(values));
  }

  /** {@code age}: how long ago the gated executor was created. */
  record Case(
      String name,
      List<PodInfo> pods,
      PodInfo gated,
      PlacementGate.InFlight inFlight,
      boolean ownTerms,
      Duration age,
      PlacementGate.Decision want) {
    Case(
        String name,
        List<PodInfo> pods,
        PodInfo gated,
        PlacementGate.InFlight inFlight,
        boolean ownTerms,
        PlacementGate.Decision want) {
      this(name, pods, gated, inFlight, ownTerms, Duration.ZERO, want);
    }

    Case(
        String name,
        List<PodInfo> pods,
        PodInfo gated,
        int inFlightSpot,
        boolean ownTerms,
        PlacementGate.Decision want) {
      this(name, pods, gated, PlacementGate.InFlight.of(inFlightSpot), ownTerms, want);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static PodInfo gated(String... annotations) {
    Build.PodBuilder b = executor("j", "gated");
    for (int i = 0; i < annotations.length; i += 2) {
      b.annotate(annotations[i], annotations[i + 1]);
    }
    return b.build();
  }

  static final String N40 = "spotpack.dev/expected-executors";

  /** One executor of job j in each of the pools m/z1, m/z2 and c/z1. */
  static final List<PodInfo> ONE_IN_EACH_POOL =
      concat(placed("a1", 1, "a"), placed("b1", 1, "b"), placed("c1", 1, "c"));

  static Stream<Case> cases() {
    return Stream.of(
        // BALANCED, N = 40: C = floor(0.25 x 40) = 10, P = max(10, floor(0.5 x 40)) = 20.
        // m/z1 holds 12 + 4 (a1, a2), m/z2 holds 3: with 4 in flight, m/z1: 16 + 4 + 1 = 21 > 20,
        // excluded;
        // m/z2: 3 + 4 + 1 = 8 <= 20, c/z1 holds none. Terms: type m and zone not z1, or type not m,
        // or off spot.
        new Case(
            "a pool at its cap is excluded; other pools and non-spot nodes stay",
            concat(placed("a1", 12, "a"), placed("a2", 4, "b"), placed("b1", 3, "c")),
            gated(N40, "40"),
            4,
            false,
            new Release(
                List.of(term(in(TYPE, "m"), notIn(ZONE, "z1")), term(notIn(TYPE, "m")), OFF_SPOT),
                true,
                Set.of("m/z1"),
                "job j: 4 released for spot and not yet bound; pool cap 20 = max(node cap 10, "
                    + "floor(0.5 x 40)); spot pools excluded: m/z1 (16 + 4 in flight)")),
        // the same, but the 4 in flight exclude m/z1 themselves: 16 + 0 + 1 <= 20, nothing to
        // exclude
        new Case(
            "executors in flight that exclude a pool do not count against it",
            concat(placed("a1", 12, "a"), placed("a2", 4, "b"), placed("b1", 3, "c")),
            gated(N40, "40"),
            new PlacementGate.InFlight(4, Map.of("m/z1", 4)),
            false,
            new Release(
                List.of(),
                true,
                "job j: 4 released for spot and not yet bound; pool cap 20 = max(node cap 10,"
                    + " floor(0.5 x 40)); no pool near it")),
        // same counts, nothing in flight: m/z1 16 + 0 + 1 = 17 <= 20: nothing to exclude
        new Case(
            "no pool near the cap: no affinity",
            concat(placed("a1", 12, "a"), placed("a2", 4, "b"), placed("b1", 3, "c")),
            gated(N40, "40"),
            0,
            false,
            new Release(
                List.of(),
                true,
                "job j: 0 released for spot and not yet bound; pool cap 20 = max(node cap 10,"
                    + " floor(0.5 x 40)); no pool near it")),
        // one executor in each of m/z1, m/z2, c/z1 and 19 in flight: 1 + 19 + 1 = 21 > 20 in every
        // pool of the job, 1 + 1 = 2 <= 20 without the 19: they bind in seconds, so wait for them
        new Case(
            "every pool of the job at the cap only with those in flight: held while young",
            ONE_IN_EACH_POOL,
            gated(N40, "40"),
            PlacementGate.InFlight.of(19),
            false,
            Duration.ofSeconds(9),
            new Hold(
                "job j: 19 released for spot and not yet bound; pool cap 20 = max(node cap 10,"
                    + " floor(0.5 x 40)); every spot pool of the job is at the cap with the"
                    + " executors in flight, and one has room without them: waiting up to 10 s"
                    + " for some to be bound")),
        // the same 10 s after its creation: released to new pools and non-spot nodes, as without
        // the wait (the 19 may be waiting for new nodes themselves)
        new Case(
            "every pool of the job at the cap only with those in flight: released after the wait",
            ONE_IN_EACH_POOL,
            gated(N40, "40"),
            PlacementGate.InFlight.of(19),
            false,
            Duration.ofSeconds(10),
            new Release(
                List.of(
                    term(in(TYPE, "c"), notIn(ZONE, "z1")),
                    term(in(TYPE, "m"), notIn(ZONE, "z1", "z2")),
                    term(notIn(TYPE, "c", "m")),
                    OFF_SPOT),
                true,
                Set.of("c/z1", "m/z1", "m/z2"),
                "job j: 19 released for spot and not yet bound; pool cap 20 = max(node cap 10,"
                    + " floor(0.5 x 40)); spot pools excluded: c/z1 (1 + 19 in flight) m/z1 (1 +"
                    + " 19 in flight) m/z2 (1 + 19 in flight)")),
        // m/z1 holds 20 = P: full without anything in flight, and the job's only pool; waiting
        // frees nothing, so a young executor is released at once
        new Case(
            "the job's only pool full without those in flight: released at once",
            placed("a1", 20, "a"),
            gated(N40, "40"),
            PlacementGate.InFlight.of(0),
            false,
            Duration.ZERO,
            new Release(
                List.of(term(in(TYPE, "m"), notIn(ZONE, "z1")), term(notIn(TYPE, "m")), OFF_SPOT),
                true,
                Set.of("m/z1"),
                "job j: 0 released for spot and not yet bound; pool cap 20 = max(node cap 10,"
                    + " floor(0.5 x 40)); spot pools excluded: m/z1 (20 + 0 in flight)")),
        // 20 in flight: 20 + 1 > P = 20 even in a pool that does not exist yet
        new Case(
            "as many in flight as the pool cap: hold",
            List.of(),
            gated(N40, "40"),
            20,
            false,
            new Hold(
                "job j has 20 executors released for spot and not yet bound; pool cap 20 = max(node"
                    + " cap 10, floor(0.5 x 40)): waiting for some to be bound")),
        // RELIABILITY_OVER_COST, N = 40: s = 0.5, ceil(0.5 x 40) = 20; 15 on spot + 5 in flight + 1
        // = 21 > 20
        new Case(
            "spot share reached: pinned off spot",
            placed("b1", 15, "c"),
            gated(N40, "40", "spotpack.dev/profile", "RELIABILITY_OVER_COST"),
            5,
            false,
            new Release(
                List.of(OFF_SPOT),
                false,
                "job j has 15 executors on spot nodes and 5 released for spot; "
                    + "spot share limit 20 = ceil(0.5 x 40): pinned off spot nodes")),
        new Case(
            "on-demand-only profile: pinned off spot",
            List.of(),
            gated(N40, "40", "spotpack.dev/profile", "ON_DEMAND_ONLY"),
            0,
            false,
            new Release(
                List.of(OFF_SPOT),
                false,
                "max-spot-share 0 (profile ON_DEMAND_ONLY): job j may not use spot nodes: pinned"
                    + " off spot nodes")),
        // annotation p = 0.1, N = 40: C = 10, P = max(10, floor(0.1 x 40) = 4) = 10; m/z2: 9 + 0 +
        // 1 = 10 fits,
        // c/z1: 10 + 0 + 1 = 11 > 10; x1 has no pool labels and is never named
        new Case(
            "pool cap below the node cap's floor is raised to it; unlabelled nodes never named",
            concat(placed("b1", 9, "c"), placed("c1", 10, "d"), placed("x1", 10, "x")),
            gated(N40, "40", "spotpack.dev/max-spot-fraction-per-pool", "0.1"),
            0,
            false,
            new Release(
                List.of(term(in(TYPE, "c"), notIn(ZONE, "z1")), term(notIn(TYPE, "c")), OFF_SPOT),
                true,
                Set.of("c/z1"),
                "job j: 0 released for spot and not yet bound; pool cap 10 = max(node cap 10, "
                    + "floor(0.1 x 40)); spot pools excluded: c/z1 (10 + 0 in flight)")),
        // the pod has its own required terms: one term, the type excluded in every zone
        new Case(
            "own required terms: a single conservative term",
            concat(placed("a1", 10, "a"), placed("a2", 10, "b")),
            gated(N40, "40"),
            0,
            true,
            new Release(
                List.of(term(notIn(TYPE, "m"))),
                true,
                Set.of("m/z1"),
                "job j: 0 released for spot and not yet bound; pool cap 20 = max(node cap 10,"
                    + " floor(0.5 x 40)); spot pools excluded: m/z1 (20 + 0 in flight) (the pod's"
                    + " own node affinity allows one term: instance types excluded in every"
                    + " zone)")),
        // COST_OVER_RELIABILITY p = 1: P = 40 = N, the whole job fits one pool
        new Case(
            "pool cap holds the whole job: nothing to do",
            placed("a1", 30, "a"),
            gated(N40, "40", "spotpack.dev/profile", "COST_OVER_RELIABILITY"),
            9,
            false,
            new Release(
                List.of(),
                true,
                "job j: pool cap 40 = max(node cap 20, floor(1.0 x 40)) holds the whole job; "
                    + "no pool to exclude")),
        new Case(
            "bad annotation: released so that the filter's message shows",
            List.of(),
            gated("spotpack.dev/max-spot-fraction-per-pool", "half"),
            0,
            false,
            new Release(
                List.of(),
                true,
                "spotpack: annotation spotpack.dev/max-spot-fraction-per-pool=\"half\" is "
                    + "invalid: expected a decimal number from 0 to 1, such as 0.25")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(Case c) {
    List<PodInfo> pods = concat(c.pods(), List.of(c.gated()));
    assertThat(
            GATE.decide(c.gated(), Clusters.of(NODES, pods), c.inFlight(), c.ownTerms(), c.age()))
        .isEqualTo(c.want());
  }

  @Test
  void threeLabelsExcludeExactlyTheirTuples() {
    // pools (a,1,x) and (a,2,x) and (b,1,y): a node matches a term iff it is in none of them
    List<Term> terms =
        PlacementGate.exclusionTerms(
            List.of("k1", "k2", "k3"),
            List.of(List.of("a", "1", "x"), List.of("a", "2", "x"), List.of("b", "1", "y")));
    List<String> values = List.of("a", "b", "c");
    List<String> seconds = List.of("1", "2");
    List<String> thirds = List.of("x", "y");
    for (String v1 : values) {
      for (String v2 : seconds) {
        for (String v3 : thirds) {
          Map<String, String> node = Map.of("k1", v1, "k2", v2, "k3", v3);
          boolean excluded =
              List.of(List.of("a", "1", "x"), List.of("a", "2", "x"), List.of("b", "1", "y"))
                  .contains(List.of(v1, v2, v3));
          assertThat(PlacementGate.allows(terms, node)).as(node.toString()).isEqualTo(!excluded);
        }
      }
    }
  }

  @Test
  void termsReadAsKubeSchedulerReadsThem() {
    Term term = term(in("a", "1", "2"), notIn("b", "x"));
    assertThat(term.matches(Map.of("a", "1"))).as("NotIn passes a node without the label").isTrue();
    assertThat(term.matches(Map.of("a", "2", "b", "y"))).isTrue();
    assertThat(term.matches(Map.of("a", "2", "b", "x"))).isFalse();
    assertThat(term.matches(Map.of("b", "y"))).as("In needs the label").isFalse();
    assertThat(PlacementGate.allows(List.of(), Map.of())).as("no terms: any node").isTrue();
    assertThat(PlacementGate.allows(List.of(term(in("a", "9")), term), Map.of("a", "1")))
        .as("terms are ORed")
        .isTrue();
  }
}
