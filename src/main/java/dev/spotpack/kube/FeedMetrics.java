package dev.spotpack.kube;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The informer metrics: {@code spotpack_informer_events_total{resource,type}}, {@code
 * spotpack_informer_lists_total{resource}} (full lists: the first sync, then every relist after a
 * watch expired or failed) and {@code spotpack_informer_errors_total{resource,kind}} (kind: {@code
 * convert} for an object spotpack could not read, {@code watch} for a watch or list failure).
 *
 * <p>Thread-safe.
 */
public final class FeedMetrics {
  private final MeterRegistry registry;

  public FeedMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void event(String resource, String type) {
    Counter.builder("spotpack.informer.events")
        .description("Informer events applied to spotpack's state")
        .tag("resource", resource)
        .tag("type", type)
        .register(registry)
        .increment();
  }

  void listed(String resource) {
    Counter.builder("spotpack.informer.lists")
        .description("Full lists (initial sync and relists) per informer")
        .tag("resource", resource)
        .register(registry)
        .increment();
  }

  void error(String resource, String kind) {
    Counter.builder("spotpack.informer.errors")
        .description("Informer failures")
        .tag("resource", resource)
        .tag("kind", kind)
        .register(registry)
        .increment();
  }
}
