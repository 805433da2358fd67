package dev.spotpack.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DocumentedMetricsTest {
  static final String PAGE =
      """
      | `spotpack_verb_duration_seconds{verb}` | server-side time per call (histogram) |
      | `spotpack_ready` | 1 when deciding |
      | `spotpack_gated_executors`, `spotpack_gate_releases_total{placement}` | the gate |
      """;

  static Stream<Arguments> scrapes() {
    return Stream.of(
        Arguments.of("spotpack_ready 1.0\n", Set.of()),
        Arguments.of("# HELP spotpack_nope x\n# TYPE spotpack_nope gauge\n", Set.of()),
        Arguments.of(
            "spotpack_verb_duration_seconds_bucket{verb=\"filter\",le=\"0.001\"} 3\n"
                + "spotpack_verb_duration_seconds_count{verb=\"filter\"} 3\n"
                + "spotpack_verb_duration_seconds_sum{verb=\"filter\"} 0.002\n"
                + "spotpack_verb_duration_seconds_max{verb=\"filter\"} 0.001\n",
            Set.of()),
        Arguments.of("spotpack_gate_releases_total{placement=\"spot\"} 2.0\n", Set.of()),
        // one served, one documented under another name, one a histogram suffix of nothing named
        Arguments.of(
            "spotpack_binds_waiting 0.0\nspotpack_ready_total 1.0\nspotpack_rejections_count 1\n",
            Set.of("spotpack_binds_waiting", "spotpack_ready_total", "spotpack_rejections_count")),
        Arguments.of("jvm_threads_live_threads 30\nprocess_cpu_usage 0.1\n", Set.of()));
  }

  @ParameterizedTest
  @MethodSource("scrapes")
  void namesWhatThePageDoesNot(String scrape, Set<String> missing) {
    assertThat(DocumentedMetrics.undocumented(scrape, PAGE)).isEqualTo(missing);
  }
}
