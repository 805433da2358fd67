package dev.spotpack.extender;

import dev.spotpack.policy.Rejection;
import dev.spotpack.policy.Rule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
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
  /** A counter's name and description; its series differ by one tag. */
  private record Counted(String name, String description) {}

  private static final Counted BODIES =
      new Counted(
          "spotpack.verb.bodies",
          "Filter and prioritize bodies by the reader that read them: layout (laid out exactly as"
              + " kube-scheduler writes them, the fast reader) or general (any other, and the"
              + " malformed)");
  private static final Counted PODS =
      new Counted(
          "spotpack.verb.pods",
          "Filter and prioritize pods by where spotpack read them: informer (the version its"
              + " informer had read, found by uid and resourceVersion) or request (the request's"
              + " copy, converted)");

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

  // Looked up once: a builder's register() builds and hashes the meter's id on every call (about
  // 57 ns), and a driver's filter at 5,000 nodes rejects 2,500 spot nodes (VerbBenchmark's
  // driverFilterCall: p50 0.75-0.78 ms counting each through a builder, 0.50 ms now). Immutable
  // after construction.
  private final Map<String, Timer> durations = new HashMap<>();
  private final Map<String, Map<Outcome, Counter>> calls = new HashMap<>();
  private final Map<Rule, Counter> rejections = new EnumMap<>(Rule.class);
  private final Counter capsRelaxed;
  private final Counter laidOutBodies;
  private final Counter otherBodies;
  private final Counter podsFromInformer;
  private final Counter podsFromRequest;

  /**
   * Registers every series at zero, so that dashboards show 0 rather than "no data" and an alert on
   * a rate sees the series before its first event.
   */
  public VerbMetrics(MeterRegistry registry) {
    this.registry = registry;
    OUTCOMES.forEach(
        (verb, outcomes) -> {
          durations.put(verb, duration(verb));
          Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
          outcomes.forEach(o -> byOutcome.put(o, calls(verb, o)));
          calls.put(verb, byOutcome);
        });
    for (Rule rule : Rule.values()) {
      rejections.put(rule, rejections(rule));
    }
    capsRelaxed =
        Counter.builder("spotpack.caps.relaxed")
            .description(
                "Filter calls that let an executor past its caps after spot.relaxAfterSeconds"
                    + " pending")
            .register(registry);
    laidOutBodies = counter(BODIES, "reader", "layout");
    otherBodies = counter(BODIES, "reader", "general");
    podsFromInformer = counter(PODS, "read", "informer");
    podsFromRequest = counter(PODS, "read", "request");
  }

  private Counter counter(Counted counted, String tag, String value) {
    return Counter.builder(counted.name())
        .description(counted.description())
        .tag(tag, value)
        .register(registry);
  }

  /** A filter or prioritize body was read, by the layout reader or the general one. */
  public void bodyRead(boolean schedulerLayout) {
    (schedulerLayout ? laidOutBodies : otherBodies).increment();
  }

  /** A request's pod was found as the informer read it, or read from the request. */
  public void podRead(boolean fromInformer) {
    (fromInformer ? podsFromInformer : podsFromRequest).increment();
  }

  public void record(String verb, Outcome outcome, Duration elapsed) {
    Timer timer = durations.get(verb);
    (timer != null ? timer : duration(verb)).record(elapsed);
    Map<Outcome, Counter> byOutcome = calls.get(verb);
    Counter counter = byOutcome == null ? null : byOutcome.get(outcome);
    (counter != null ? counter : calls(verb, outcome)).increment();
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

  /**
   * {@code spotpack_caps_relaxed_total}: filter calls that let a long-waiting executor past its
   * caps.
   */
  public void capsRelaxed() {
    capsRelaxed.increment();
  }

  /** Counts each rule's rejections of one call, one increment per rule. */
  public void rejected(Collection<Rejection> rejected) {
    if (rejected.isEmpty()) {
      return;
    }
    int[] byRule = new int[RULES.length];
    for (Rejection r : rejected) {
      byRule[r.rule().ordinal()]++;
    }
    for (int i = 0; i < byRule.length; i++) {
      if (byRule[i] > 0) {
        rejections.get(RULES[i]).increment(byRule[i]);
      }
    }
  }

  private static final Rule[] RULES = Rule.values();
}
