package dev.spotpack.extender;

import dev.spotpack.policy.Rejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;

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

  private final MeterRegistry registry;

  public VerbMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(String verb, Outcome outcome, Duration elapsed) {
    Timer.builder("spotpack.verb.duration")
        .description("Server-side time spent answering one extender call")
        .tag("verb", verb)
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(elapsed);
    Counter.builder("spotpack.verb.calls")
        .description("Extender calls by verb and outcome")
        .tag("verb", verb)
        .tag("outcome", outcome.label())
        .register(registry)
        .increment();
  }

  /**
   * {@code spotpack_caps_relaxed_total}: filter calls that let a long-waiting executor past its
   * caps.
   */
  public void capsRelaxed() {
    Counter.builder("spotpack.caps.relaxed")
        .description(
            "Filter calls that let an executor past its caps after spot.relaxAfterSeconds pending")
        .register(registry)
        .increment();
  }

  public void rejected(Collection<Rejection> rejections) {
    for (Rejection r : rejections) {
      Counter.builder("spotpack.rejections")
          .description("Nodes rejected by spotpack's filter, by rule")
          .tag("rule", r.rule().label())
          .register(registry)
          .increment();
    }
  }
}
