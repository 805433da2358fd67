package dev.spotpack.extender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.policy.Rejection;
import dev.spotpack.policy.Rule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The verbs' counters count what happened, whether the meters were registered up front or not. */
class VerbMetricsTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final VerbMetrics metrics = new VerbMetrics(registry);

  double rejections(Rule rule) {
    return registry.get("spotpack.rejections").tag("rule", rule.label()).counter().count();
  }

  double calls(String verb, Outcome outcome) {
    return registry
        .get("spotpack.verb.calls")
        .tag("verb", verb)
        .tag("outcome", outcome.label())
        .counter()
        .count();
  }

  /** One filter call's rejections, as rules in candidate order; the count each rule ends with. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // 3 nodes at the per-node cap and 2 drivers' spot nodes: 3 and 2, every other rule 0
        "PER_NODE_CAP PER_NODE_CAP DRIVER_ON_SPOT PER_NODE_CAP DRIVER_ON_SPOT | 0 | 0 | 2 | 0 | 0 |"
            + " 3 | 0",
        // every rule once
        "INVALID_ANNOTATION UNKNOWN_NODE DRIVER_ON_SPOT NO_SPOT SPOT_SHARE PER_NODE_CAP"
            + " PER_POOL_CAP | 1 | 1 | 1 | 1 | 1 | 1 | 1",
        // nothing rejected
        "'' | 0 | 0 | 0 | 0 | 0 | 0 | 0",
      })
  void countsEachRuleOfOneCall(
      String rules,
      int invalid,
      int unknown,
      int driver,
      int noSpot,
      int share,
      int perNode,
      int perPool) {
    List<Rejection> rejected = new ArrayList<>();
    Arrays.stream(rules.split(" "))
        .filter(r -> !r.isEmpty())
        .forEach(r -> rejected.add(new Rejection(Rule.valueOf(r), "m")));
    metrics.rejected(rejected);
    assertThat(
            List.of(
                    Rule.INVALID_ANNOTATION,
                    Rule.UNKNOWN_NODE,
                    Rule.DRIVER_ON_SPOT,
                    Rule.NO_SPOT,
                    Rule.SPOT_SHARE,
                    Rule.PER_NODE_CAP,
                    Rule.PER_POOL_CAP)
                .stream()
                .map(this::rejections)
                .toList())
        .containsExactly(
            (double) invalid,
            (double) unknown,
            (double) driver,
            (double) noSpot,
            (double) share,
            (double) perNode,
            (double) perPool);
  }

  @Test
  void rejectionsAddUpOverCalls() {
    // 2 + 1 per-pool rejections over two calls: 3
    metrics.rejected(
        List.of(new Rejection(Rule.PER_POOL_CAP, "a"), new Rejection(Rule.PER_POOL_CAP, "b")));
    metrics.rejected(List.of(new Rejection(Rule.PER_POOL_CAP, "c")));
    assertThat(rejections(Rule.PER_POOL_CAP)).isEqualTo(3.0);
  }

  @Test
  void callsAndTimesByVerbAndOutcome() {
    metrics.record("filter", Outcome.OK, Duration.ofMillis(1));
    metrics.record("filter", Outcome.OK, Duration.ofMillis(3));
    metrics.record("filter", Outcome.NO_FIT, Duration.ofMillis(2));
    metrics.record("bind", Outcome.BIND_FAILED, Duration.ofMillis(5));
    assertThat(calls("filter", Outcome.OK)).isEqualTo(2.0);
    assertThat(calls("filter", Outcome.NO_FIT)).isEqualTo(1.0);
    assertThat(calls("bind", Outcome.BIND_FAILED)).isEqualTo(1.0);
    assertThat(calls("bind", Outcome.OK)).isZero();
    // 1 + 3 + 2 ms over three filter calls
    assertThat(registry.get("spotpack.verb.duration").tag("verb", "filter").timer().count())
        .isEqualTo(3);
    assertThat(
            registry
                .get("spotpack.verb.duration")
                .tag("verb", "filter")
                .timer()
                .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(6.0);
  }

  @Test
  void anOutcomeNotRegisteredUpFrontIsStillCounted() {
    // prioritize never answers no_fit, so that series is not registered at zero; a call is counted
    assertThat(
            registry
                .find("spotpack.verb.calls")
                .tag("verb", "prioritize")
                .tag("outcome", "no_fit")
                .counter())
        .isNull();
    metrics.record("prioritize", Outcome.NO_FIT, Duration.ofMillis(1));
    assertThat(calls("prioritize", Outcome.NO_FIT)).isEqualTo(1.0);
  }

  @Test
  void capsRelaxedCounts() {
    metrics.capsRelaxed();
    metrics.capsRelaxed();
    assertThat(registry.get("spotpack.caps.relaxed").counter().count()).isEqualTo(2.0);
  }
}
