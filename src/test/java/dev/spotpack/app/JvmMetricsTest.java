package dev.spotpack.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JvmMetricsTest {

  /** The memory managers' names each collector registers (JDK 17 and 25), and what they say. */
  static Stream<Arguments> collectors() {
    return Stream.of(
        Arguments.of(List.of("G1 Young Generation", "G1 Old Generation"), "G1"),
        Arguments.of(List.of("G1 Young Generation", "G1 Concurrent GC", "G1 Old Generation"), "G1"),
        // what the JVM picks under a memory limit below 1,792 MiB, as the shipped 1,536 MiB
        Arguments.of(List.of("Copy", "MarkSweepCompact"), "Serial"),
        Arguments.of(List.of("PS Scavenge", "PS MarkSweep"), "Parallel"),
        Arguments.of(List.of("ZGC Cycles", "ZGC Pauses"), "ZGC"),
        Arguments.of(
            List.of("ZGC Minor Cycles", "ZGC Minor Pauses", "ZGC Major Cycles", "ZGC Major Pauses"),
            "ZGC"),
        Arguments.of(List.of("Shenandoah Cycles", "Shenandoah Pauses"), "Shenandoah"),
        Arguments.of(List.of(), "unknown"),
        Arguments.of(List.of("Some Future GC"), "Some Future GC"));
  }

  @ParameterizedTest
  @MethodSource("collectors")
  void namesTheCollectorByItsUsualName(List<String> beans, String expected) {
    assertThat(JvmMetrics.collector(beans)).isEqualTo(expected);
  }

  @Test
  void describesTheJvmInOneLine() {
    // 805,306,368 bytes = 768 MiB, the heap MaxRAMPercentage=50 gives under a 1,536 MiB limit
    assertThat(
            JvmMetrics.describe(
                "25.0.3+9-LTS", List.of("Copy", "MarkSweepCompact"), 805_306_368L, 2))
        .isEqualTo("JVM 25.0.3+9-LTS, Serial collector, max heap 768 MiB, 2 processors");
    assertThat(JvmMetrics.describe("17.0.15+6", List.of("G1 Young Generation"), 1L << 30, 1))
        .isEqualTo("JVM 17.0.15+6, G1 collector, max heap 1024 MiB, 1 processor");
  }

  @Test
  void theScrapeCarriesTheJvmsMemoryThreadsCpuAndVersion() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (JvmMetrics metrics = JvmMetrics.bindTo(registry)) {
      assertThat(registry.scrape())
          .contains(
              "jvm_memory_used_bytes{",
              "jvm_memory_max_bytes{area=\"heap\"",
              "jvm_threads_live_threads ",
              "process_cpu_usage ",
              "process_uptime_seconds ",
              "jvm_info{");
    }
  }
}
