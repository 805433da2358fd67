package dev.spotpack.policy.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.policy.model.Resources;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class MostAllocatedScorerTest {
  static final long GI = 1024L * 1024 * 1024;
  static final long MI = 1024L * 1024;

  record Case(
      String name,
      ResourceWeights weights,
      Resources alloc,
      Resources nodeRequested,
      Resources pod,
      long want) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    ResourceWeights oneOne = ResourceWeights.CPU_AND_MEMORY;
    return Stream.of(
        // cpu: (1500 + 500) × 100 / 4000 = 50; memory: (4Gi + 200Mi) × 100 / 16Gi = 26.2 → 26;
        // (50 + 26) / 2 = 38 (the pod named no memory request, so its non-zero 200Mi applies)
        new Case(
            "worked example, weights 1:1",
            oneOne,
            Resources.cpuMemory(4000, 16 * GI),
            Resources.cpuMemory(1500, 4 * GI),
            Resources.cpuMemory(500, 200 * MI),
            38),
        // (50 × 3 + 26 × 1) / 4 = 176 / 4 = 44
        new Case(
            "worked example, weights cpu 3 memory 1",
            ResourceWeights.of(Map.of("cpu", 3L, "memory", 1L)),
            Resources.cpuMemory(4000, 16 * GI),
            Resources.cpuMemory(1500, 4 * GI),
            Resources.cpuMemory(500, 200 * MI),
            44),
        // cpu: 3000 × 100 / 4000 = 75; memory: 5000 × 100 / 10000 = 50; (75 + 50) / 2 = 62 (floor
        // of 62.5)
        new Case(
            "upstream table: differently used resources",
            oneOne,
            Resources.cpuMemory(4000, 10000),
            Resources.NONE,
            Resources.cpuMemory(3000, 5000),
            62),
        // cpu: min(6000 + 1000, 4000) = 4000 → 100; memory 0 × 100 / 10000 = 0 → (100 + 0) / 2 = 50
        new Case(
            "requested above allocatable clamps to 100",
            oneOne,
            Resources.cpuMemory(4000, 10000),
            Resources.cpuMemory(6000, 0),
            Resources.cpuMemory(1000, 0),
            50),
        // no resource has allocatable > 0: weight sum 0 → 0
        new Case(
            "zero capacity scores zero",
            oneOne,
            Resources.cpuMemory(0, 0),
            Resources.NONE,
            Resources.cpuMemory(100, 100),
            0),
        // memory allocatable 0 is skipped: cpu 2000 × 100 / 4000 = 50; 50 × 1 / 1 = 50
        new Case(
            "a resource with zero allocatable drops out of the weight sum",
            oneOne,
            Resources.cpuMemory(4000, 0),
            Resources.cpuMemory(1000, 0),
            Resources.cpuMemory(1000, 0),
            50),
        // gpu weight 5 but the pod requests no gpu: skipped; (50 + 50) / 2 = 50
        new Case(
            "an extended resource the pod does not request is skipped",
            ResourceWeights.of(Map.of("cpu", 1L, "memory", 1L, "nvidia.com/gpu", 5L)),
            Resources.of(Map.of("cpu", 4000L, "memory", 1000L, "nvidia.com/gpu", 4L)),
            Resources.of(Map.of("cpu", 1000L, "memory", 250L, "nvidia.com/gpu", 4L)),
            Resources.cpuMemory(1000, 250),
            50),
        // cpu (1000 + 1000) × 100 / 4000 = 50; memory (250 + 250) × 100 / 1000 = 50;
        // gpu (3 + 1) × 100 / 4 = 100, weight 5 → 500; (50 + 50 + 500) / (1 + 1 + 5) = 600 / 7 = 85
        new Case(
            "an extended resource the pod requests counts with its weight",
            ResourceWeights.of(Map.of("cpu", 1L, "memory", 1L, "nvidia.com/gpu", 5L)),
            Resources.of(Map.of("cpu", 4000L, "memory", 1000L, "nvidia.com/gpu", 4L)),
            Resources.of(Map.of("cpu", 1000L, "memory", 250L, "nvidia.com/gpu", 3L)),
            Resources.of(Map.of("cpu", 1000L, "memory", 250L, "nvidia.com/gpu", 1L)),
            85),
        // empty node, pod 8 of 16 cpus and 16 of 64 Gi: (50 + 25) / 2 = 37 (floor of 37.5)
        new Case(
            "empty node",
            oneOne,
            Resources.cpuMemory(16000, 64 * GI),
            Resources.NONE,
            Resources.cpuMemory(8000, 16 * GI),
            37));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void scoresLikeUpstream(Case c) {
    assertThat(new MostAllocatedScorer(c.weights()).score(c.alloc(), c.nodeRequested(), c.pod()))
        .isEqualTo(c.want());
  }

  @ParameterizedTest(name = "node score {0} → extender score {1}")
  @CsvSource({
    "0, 0", "4, 0", "5, 1", "14, 1", "15, 2", "38, 4", "44, 4", "45, 5", "62, 6", "95, 10",
    "100, 10"
  })
  void mapsToTheExtenderRangeRoundingHalfUp(long nodeScore, long want) {
    assertThat(MostAllocatedScorer.toExtenderScore(nodeScore)).isEqualTo(want);
  }
}
