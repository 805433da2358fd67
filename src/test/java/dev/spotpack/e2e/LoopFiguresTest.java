package dev.spotpack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The issue-15 figures of one loop run, from its rounds. */
class LoopFiguresTest {
  private static final LoopFigures.Round PLAIN_1 =
      new LoopFigures.Round("plain-1", 300, 0.80, 2.00, 3.00, 1.50, 2.10, 0.30);
  private static final LoopFigures.Round PLAIN_2 =
      new LoopFigures.Round("plain-2", 200, 0.12, 3.00, 3.20, 0.14, 0.33, 0.01);

  @Test
  void sixRounds() {
    List<LoopFigures.Round> spotpack =
        List.of(
            new LoopFigures.Round("spotpack-1", 110, 6.50, 4.5, 5.00, 0.33, 0.47, 3.10),
            new LoopFigures.Round("spotpack-2", 120, 3.50, 5.2, 4.80, 0.21, 0.54, 1.20),
            new LoopFigures.Round("spotpack-3", 110, 3.20, 6.1, 4.60, 0.18, 0.30, 0.90),
            new LoopFigures.Round("spotpack-4", 160, 2.40, 4.3, 4.20, 0.13, 0.23, 0.40),
            new LoopFigures.Round("spotpack-5", 180, 1.30, 4.1, 4.00, 0.10, 0.24, 0.25),
            new LoopFigures.Round("spotpack-6", 150, 1.65, 4.5, 5.50, 0.14, 0.43, 0.05));

    LoopFigures f = LoopFigures.of(PLAIN_1, spotpack, PLAIN_2);

    assertThat(f.firstRound()).isEqualTo(6.50);
    assertThat(f.warmRounds()).containsExactly(1.30, 1.65); // rounds 5 and 6
    assertThat(f.schedulerAlone()).isEqualTo(2.50); // (2.00 + 3.00) / 2
    assertThat(f.timesSchedulerAlone()).containsExactly(1.30 / 2.50, 1.65 / 2.50); // 0.52, 0.66
    assertThat(f.followingWhileBinding()).isEqualTo(0.12); // plain-2's spotpack
    // rounds 2-6 and plain-2; spotpack-1 (0.33 / 0.47) and plain-1 (1.50 / 2.10) are not counted
    assertThat(f.followingCreation()).isEqualTo(0.21); // spotpack-2
    assertThat(f.followingDeletion()).isEqualTo(0.54); // spotpack-2
    assertThat(f.ratio()).isEqualTo(150 / 250.0); // last round / mean of (300, 200) = 0.60
    // spotpack's CPU over kube-apiserver's in the same round
    assertThat(f.firstTimesApiServer()).isEqualTo(6.50 / 5.00); // 1.30
    assertThat(f.warmTimesApiServer()).containsExactly(1.30 / 4.00, 1.65 / 5.50); // 0.325, 0.30
    // the JIT's compiler threads' part of the first round and of the warm rounds
    assertThat(f.firstCompiler()).isEqualTo(3.10);
    assertThat(f.warmCompiler()).containsExactly(0.25, 0.05); // rounds 5 and 6
    assertThat(f.line())
        .isEqualTo(
            "loop-figures first_ms=6.50 warm_ms=1.30,1.65 scheduler_alone_ms=2.50"
                + " x_scheduler_alone=0.52,0.66 following_binding_ms=0.120"
                + " following_creation_max_ms=0.210 following_deletion_max_ms=0.540 ratio=0.60"
                + " x_apiserver_first=1.30 x_apiserver_warm=0.33,0.30 first_jit_ms=3.10"
                + " warm_jit_ms=0.25,0.05");
  }

  @Test
  void oneRoundIsBothFirstAndWarm() {
    LoopFigures f =
        LoopFigures.of(
            PLAIN_1,
            List.of(new LoopFigures.Round("spotpack-1", 100, 5.00, 4, 4.00, 0.3, 0.4, 2.00)),
            PLAIN_2);

    assertThat(f.firstRound()).isEqualTo(5.00);
    assertThat(f.warmRounds()).containsExactly(5.00);
    assertThat(f.timesSchedulerAlone()).containsExactly(2.0); // 5.00 / 2.50
    assertThat(f.followingCreation()).isEqualTo(0.14); // plain-2 only
    assertThat(f.followingDeletion()).isEqualTo(0.33);
    assertThat(f.ratio()).isEqualTo(0.4); // 100 / 250
    assertThat(f.firstTimesApiServer()).isEqualTo(1.25); // 5.00 / 4.00
    assertThat(f.warmTimesApiServer()).containsExactly(1.25);
    assertThat(f.firstCompiler()).isEqualTo(2.00);
    assertThat(f.warmCompiler()).containsExactly(2.00);
  }

  @Test
  void noSpotpackRoundIsRefused() {
    assertThatThrownBy(() -> LoopFigures.of(PLAIN_1, List.of(), PLAIN_2))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
