package dev.spotpack.extender;

import dev.spotpack.policy.Rejection;
import dev.spotpack.policy.Rule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The verbs' Prometheus metrics:
 *
 * <ul>
 *   <li>{@code spotpack_verb_duration_seconds{verb}}: server-side time per call (histogram);
 *   <li>{@code spotpack_verb_calls_total{verb,outcome}}: calls by outcome;
 *   <li>{@code spotpack_rejections_total{rule}}: nodes rejected, by rule.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class VerbMetrics {
  /** From well under the 2 ms target to kube-scheduler's default 5 s httpTimeout. */
  private static final Duration[] BUCKETS = {
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5)
  };

  /** The outcomes each verb can end with. */
  private static final Map<String, List<Outcome>> OUTCOMES =
      Map.of(
          "filter",
          List.of(
              Outcome.OK, Outcome.NO_FIT, Outcome.BAD_REQUEST, Outcome.NOT_READY, Outcome.INTERNAL),
          "prioritize",
          List.of(Outcome.OK, Outcome.BAD_REQUEST, Outcome.NOT_READY, Outcome.INTERNAL),
          "bind",
          List.of(
              Outcome.OK,
              Outcome.BAD_REQUEST,
              Outcome.NOT_READY,
              Outcome.BIND_FAILED,
              Outcome.INTERNAL));

  private final MeterRegistry registry;

  /**
   * Registers every series at zero, so that dashboards show 0 rather than "no data" and an alert on
   * a rate sees the series before its first event.
   */
  public VerbMetrics(MeterRegistry registry) {
    this.registry = registry;
    OUTCOMES.forEach(
        (verb, outcomes) -> {
          duration(verb);
          outcomes.forEach(o -> calls(verb, o));
        });
    for (Rule rule : Rule.values()) {
      rejections(rule);
    }
    capsRelaxedCounter();
  }

  public void record(String verb, Outcome outcome, Duration elapsed) {
    duration(verb).record(elapsed);
    calls(verb, outcome).increment();
  }

  private Timer duration(String verb) {
    return Timer.builder("spotpack.verb.duration")
        .description("Server-side time spent answering one extender call")
        .tag("verb", verb)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  private Counter calls(String verb, Outcome outcome) {
    return Counter.builder("spotpack.verb.calls")
        .description("Extender calls by verb and outcome")
        .tag("verb", verb)
        .tag("outcome", outcome.label())
        .register(registry);
  }

  private Counter rejections(Rule rule) {
    return Counter.builder("spotpack.rejections")
        .description("Nodes rejected by spotpack's filter, by rule")
        .tag("rule", rule.label())
        .register(registry);
  }

  private Counter capsRelaxedCounter() {
    return Counter.builder("spotpack.caps.relaxed")
        .description(
            "Filter calls that let an executor past its caps after spot.relaxAfterSeconds pending")
        .register(registry);
  }

  /**
   * {@code spotpack_caps_relaxed_total}: filter calls that let a long-waiting executor past its
   * caps.
   */
  public void capsRelaxed() {
    capsRelaxedCounter().increment();
  }

  public void rejected(Collection<Rejection> rejections) {
    for (Rejection r : rejections) {
      rejections(r.rule()).increment();
    }
  }
}
