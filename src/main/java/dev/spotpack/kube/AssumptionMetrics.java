package dev.spotpack.kube;

import dev.spotpack.cluster.AssumptionListener;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.model.PodInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of spotpack's binds in a live cluster: how long the informer took to report each
 * ({@code spotpack_bind_confirmation_seconds}: from the bind's arrival, so the binding POST and the
 * informer's lag), the ones it never reported ({@code spotpack_assumptions_expired_total}, logged),
 * and how many are waiting ({@code spotpack_assumed_placements}).
 */
public final class AssumptionMetrics implements AssumptionListener {
  private static final Logger LOG = LoggerFactory.getLogger(AssumptionMetrics.class);

  private final MeterRegistry registry;
  private final Timer confirmation;
  private final Counter expired;

  public AssumptionMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.confirmation =
        Timer.builder("spotpack.bind.confirmation")
            .description(
                "Time from a bind's arrival (its placement recorded) to the informer reporting the"
                    + " pod bound: the binding POST and the informer's lag")
            .serviceLevelObjectives(
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30))
            .register(registry);
    this.expired =
        Counter.builder("spotpack.assumptions.expired")
            .description(
                "Placements the informer never confirmed within cluster.assumedPlacementTtlSeconds")
            .register(registry);
  }

  /** Reports how many records {@code state} holds (the state is built with this listener). */
  public void gaugeAssumed(ClusterState state) {
    Gauge.builder("spotpack.assumed.placements", state, ClusterState::assumedCount)
        .description("Placements and pods spotpack knows of that the informer has not reported yet")
        .register(registry);
  }

  @Override
  public void confirmed(PodInfo pod, Duration lag) {
    confirmation.record(lag);
  }

  @Override
  public void expired(PodInfo pod, String node) {
    expired.increment();
    LOG.warn(
        "the informer never reported {} bound to {}; it no longer counts there", pod.key(), node);
  }
}
