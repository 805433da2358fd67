package dev.spotpack.policy.spot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SpreadHintsTest {
  static final Map<String, String> EXECUTOR =
      Map.of("spark-app-selector", "spark-1", "spark-role", "executor");
  static final Map<String, String> SELECTOR =
      Map.of("spark-app-selector", "spark-1", "spark-role", "executor");

  record Case(
      String name,
      Map<String, String> labels,
      Map<String, String> annotations,
      boolean hasHostnameSpread,
      SpreadHints.Hint want) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        // BALANCED f = 0.25: max(1, floor(0.25 × 40)) = 10
        new Case(
            "default profile, 40 executors",
            EXECUTOR,
            Map.of("spotpack.dev/expected-executors", "40"),
            false,
            new SpreadHints.Add(
                10,
                SELECTOR,
                "maxSkew 10 = max(1, floor(0.25 x 40)) executors of job spark-1 per node (profile"
                    + " BALANCED)")),
        // COST_OVER_RELIABILITY f = 0.5: floor(0.5 × 7) = floor(3.5) = 3
        new Case(
            "named profile, odd size",
            EXECUTOR,
            Map.of(
                "spotpack.dev/profile",
                "COST_OVER_RELIABILITY",
                "spotpack.dev/expected-executors",
                "7"),
            false,
            new SpreadHints.Add(
                3,
                SELECTOR,
                "maxSkew 3 = max(1, floor(0.5 x 7)) executors of job spark-1 per node (profile"
                    + " COST_OVER_RELIABILITY)")),
        // annotation f = 0.1: floor(0.1 × 5) = 0, max(1, 0) = 1
        new Case(
            "annotation override, small job",
            EXECUTOR,
            Map.of(
                "spotpack.dev/max-spot-fraction-per-node",
                "0.1",
                "spotpack.dev/expected-executors",
                "5"),
            false,
            new SpreadHints.Add(
                1,
                SELECTOR,
                "maxSkew 1 = max(1, floor(0.1 x 5)) executors of job spark-1 per node (profile"
                    + " BALANCED)")),
        // RELIABILITY_OVER_COST s = 0.5 still reaches spot: floor(0.1 × 30) = 3
        new Case(
            "share below one still gets the hint",
            EXECUTOR,
            Map.of(
                "spotpack.dev/profile",
                "RELIABILITY_OVER_COST",
                "spotpack.dev/expected-executors",
                "30"),
            false,
            new SpreadHints.Add(
                3,
                SELECTOR,
                "maxSkew 3 = max(1, floor(0.1 x 30)) executors of job spark-1 per node (profile"
                    + " RELIABILITY_OVER_COST)")),
        new Case(
            "driver",
            Map.of("spark-app-selector", "spark-1", "spark-role", "driver"),
            Map.of("spotpack.dev/expected-executors", "40"),
            false,
            new SpreadHints.Skip("not an active executor", false)),
        new Case(
            "inactive executor",
            Map.of(
                "spark-app-selector",
                "spark-1",
                "spark-role",
                "executor",
                "spark-exec-inactive",
                "true"),
            Map.of("spotpack.dev/expected-executors", "40"),
            false,
            new SpreadHints.Skip("not an active executor", false)),
        new Case(
            "executor without a job",
            Map.of("spark-role", "executor"),
            Map.of("spotpack.dev/expected-executors", "4"),
            false,
            new SpreadHints.Skip("executor without a job label (spark-app-selector)", false)),
        new Case(
            "user's own hostname spread wins",
            EXECUTOR,
            Map.of("spotpack.dev/expected-executors", "40"),
            true,
            new SpreadHints.Skip(
                "already has a kubernetes.io/hostname topology spread constraint; left as it is",
                false)),
        new Case(
            "size not declared: warn",
            EXECUTOR,
            Map.of(),
            false,
            new SpreadHints.Skip(
                "spotpack: no spread hint for autoscalers: the executor does not declare"
                    + " spotpack.dev/expected-executors, so its per-node cap is not known at"
                    + " creation",
                true)),
        new Case(
            "bad annotation: warn with the filter's message",
            EXECUTOR,
            Map.of("spotpack.dev/expected-executors", "forty"),
            false,
            new SpreadHints.Skip(
                "spotpack: annotation spotpack.dev/expected-executors=\"forty\" is invalid: "
                    + "expected a whole number from 0 to 1000000",
                true)),
        new Case(
            "on-demand only: nothing to cap",
            EXECUTOR,
            Map.of(
                "spotpack.dev/profile", "ON_DEMAND_ONLY", "spotpack.dev/expected-executors", "40"),
            false,
            new SpreadHints.Skip(
                "profile ON_DEMAND_ONLY keeps the job off spot nodes; no per-node cap to show",
                false)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hint(Case c) {
    SpreadHints hints = new SpreadHints(PodRoles.SPARK, Profiles.DEFAULT);
    assertThat(hints.forPod(c.labels(), c.annotations(), c.hasHostnameSpread()))
        .isEqualTo(c.want());
  }
}
