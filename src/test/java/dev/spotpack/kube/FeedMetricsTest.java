package dev.spotpack.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The informer event counters count each event, registered up front or not. */
class FeedMetricsTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final FeedMetrics metrics = new FeedMetrics(registry);

  double events(String resource, String type) {
    return registry
        .get("spotpack.informer.events")
        .tag("resource", resource)
        .tag("type", type)
        .counter()
        .count();
  }

  @Test
  void countsEventsByResourceAndType() {
    metrics.event("pods", "add");
    metrics.event("pods", "add");
    metrics.event("pods", "update");
    metrics.event("nodes", "delete");
    assertThat(events("pods", "add")).isEqualTo(2.0);
    assertThat(events("pods", "update")).isEqualTo(1.0);
    assertThat(events("pods", "delete")).isZero();
    assertThat(events("nodes", "delete")).isEqualTo(1.0);
  }

  @Test
  void aTypeNotRegisteredUpFrontIsStillCounted() {
    metrics.event("pods", "bookmark");
    assertThat(events("pods", "bookmark")).isEqualTo(1.0);
  }
}
