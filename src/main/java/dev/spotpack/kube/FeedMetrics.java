package dev.spotpack.kube;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

  /**
   * The event counters, looked up once (one event per pod change; a builder's register() builds and
   * hashes the meter's id each time). Immutable after construction.
   */
  private final Map<String, Map<String, Counter>> eventCounters = new HashMap<>();

  /** Every series at zero from the start: dashboards show 0, not "no data". */
  public FeedMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String resource : List.of("nodes", "pods")) {
      Map<String, Counter> byType = new HashMap<>();
      for (String type : List.of("add", "update", "delete")) {
        byType.put(type, events(resource, type));
      }
      eventCounters.put(resource, byType);
      lists(resource);
      errors(resource, "convert");
      errors(resource, "watch");
    }
  }

  void event(String resource, String type) {
    Map<String, Counter> byType = eventCounters.get(resource);
    Counter counter = byType == null ? null : byType.get(type);
    (counter != null ? counter : events(resource, type)).increment();
  }

  void listed(String resource) {
    lists(resource).increment();
  }

  void error(String resource, String kind) {
    errors(resource, kind).increment();
  }

  private Counter events(String resource, String type) {
    return Counter.builder("spotpack.informer.events")
        .description("Informer events applied to spotpack's state")
        .tag("resource", resource)
        .tag("type", type)
        .register(registry);
  }

  private Counter lists(String resource) {
    return Counter.builder("spotpack.informer.lists")
        .description("Full lists (initial sync and relists) per informer")
        .tag("resource", resource)
        .register(registry);
  }

  private Counter errors(String resource, String kind) {
    return Counter.builder("spotpack.informer.errors")
        .description("Informer failures")
        .tag("resource", resource)
        .tag("kind", kind)
        .register(registry);
  }
}
