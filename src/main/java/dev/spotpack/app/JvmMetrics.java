package dev.spotpack.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * The JVM's own metrics beside spotpack's, from Micrometer's binders: heap and non-heap memory
 * against their maximum, garbage collections and their pauses, threads, the process's CPU, uptime
 * and the JVM's version. Sizing spotpack's memory limit needs the heap; which collector the JVM
 * runs, and so its pauses, depends on the container's memory limit unless the options name one
 * (docs/operations.md, "JVM options"), so the start-up log names it too ({@link #describe}).
 */
final class JvmMetrics implements AutoCloseable {
  private final JvmGcMetrics gc;

  private JvmMetrics(JvmGcMetrics gc) {
    this.gc = gc;
  }

  static JvmMetrics bindTo(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return new JvmMetrics(gc);
  }

  /** Stops following the collector's notifications. */
  @Override
  public void close() {
    gc.close();
  }

  /** This JVM, for the start-up log. */
  static String describe() {
    Runtime runtime = Runtime.getRuntime();
    return describe(
        Runtime.version().toString(),
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .toList(),
        runtime.maxMemory(),
        runtime.availableProcessors());
  }

  static String describe(
      String version, List<String> collectorBeans, long maxHeapBytes, int processors) {
    return String.format(
        Locale.ROOT,
        "JVM %s, %s collector, max heap %d MiB, %d processor%s",
        version,
        collector(collectorBeans),
        maxHeapBytes / (1024 * 1024),
        processors,
        processors == 1 ? "" : "s");
  }

  /** The collector's usual name, from its memory managers' names. */
  static String collector(List<String> collectorBeans) {
    String names = String.join(", ", collectorBeans);
    if (names.contains("G1")) {
      return "G1";
    }
    if (names.contains("ZGC")) {
      return "ZGC";
    }
    if (names.contains("Shenandoah")) {
      return "Shenandoah";
    }
    if (names.contains("PS ")) {
      return "Parallel";
    }
    if (collectorBeans.contains("Copy") || collectorBeans.contains("MarkSweepCompact")) {
      return "Serial";
    }
    return names.isEmpty() ? "unknown" : names;
  }
}
