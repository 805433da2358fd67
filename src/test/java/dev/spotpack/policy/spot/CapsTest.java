package dev.spotpack.policy.spot;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CapsTest {
  record Case(String name, String fraction, int jobSize, int want) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> perNodeCaps() {
    return Stream.of(
        // floor(0.25 × 12) = floor(3) = 3
        new Case("balanced, 12 executors", "0.25", 12, 3),
        // floor(0.25 × 13) = floor(3.25) = 3
        new Case("rounds down", "0.25", 13, 3),
        // floor(0.25 × 3) = 0, max(1, 0) = 1: one executor may always use spot
        new Case("small job still gets one per node", "0.25", 3, 1),
        // floor(0.5 × 7) = floor(3.5) = 3
        new Case("cost over reliability, odd size", "0.5", 7, 3),
        // floor(0.1 × 30) = 3
        new Case("reliability over cost", "0.1", 30, 3),
        // floor(0.29 × 100) = 29 exactly; in double 0.29 × 100 = 28.999999999999996 → 28
        new Case("exact decimal, no binary rounding", "0.29", 100, 29),
        // floor(0 × 100) = 0, max(1, 0) = 1
        new Case("zero fraction still allows one", "0", 100, 1),
        // floor(1 × 5) = 5
        new Case("whole job on one node", "1", 5, 5),
        // floor(0.25 × 0) = 0 → 1
        new Case("empty job", "0.25", 0, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perNodeCaps")
  void perNodeCap(Case c) {
    assertThat(Caps.perNodeCap(new BigDecimal(c.fraction()), c.jobSize())).isEqualTo(c.want());
  }

  static Stream<Case> shareLimits() {
    return Stream.of(
        // ceil(0.5 × 12) = 6
        new Case("half of 12", "0.5", 12, 6),
        // ceil(0.5 × 7) = ceil(3.5) = 4
        new Case("rounds up", "0.5", 7, 4),
        // ceil(0.1 × 3) = ceil(0.3) = 1
        new Case("small share of a small job", "0.1", 3, 1),
        // ceil(0.3 × 10) = 3 exactly; in double 0.3 × 10 = 3.0000000000000004 → 4
        new Case("exact decimal, no binary rounding", "0.3", 10, 3),
        // ceil(0 × 10) = 0
        new Case("zero share", "0", 10, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shareLimits")
  void shareLimit(Case c) {
    assertThat(Caps.spotShareLimit(new BigDecimal(c.fraction()), c.jobSize())).isEqualTo(c.want());
  }

  @ParameterizedTest(name = "{0} → {1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "0.25, 25%",
    "0.1, 10%",
    "0.125, 12.5%",
    "1.0, 100%",
    "0, 0%"
  })
  void percent(String fraction, String want) {
    assertThat(Caps.percent(new BigDecimal(fraction))).isEqualTo(want);
  }
}
