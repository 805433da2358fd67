package dev.spotpack.policy.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobExecutorsTest {
  /**
   * e1 on spot-a, e2 on spot-c, e3 in flight on spot-a, spot-b and spot-c; pools z1 = {a, b}, z2 =
   * {c}.
   */
  final JobExecutors job =
      new JobExecutors(
          Map.of("e1", "spot-a", "e2", "spot-c"),
          Set.of("e3"),
          Map.of("e3", new InFlight(Set.of("spot-a", "spot-b", "spot-c"), Set.of("z1", "z2"))));

  final Map<String, String> pools = Map.of("spot-a", "z1", "spot-b", "z1", "spot-c", "z2");

  @Test
  void anInFlightExecutorCountsOnEachPossibleNodeButOnceInAPool() {
    // per node: spot-a e1 + e3 = 2, spot-b e3 = 1, spot-c e2 + e3 = 2
    assertThat(job.countsByNode("none")).isEqualTo(Map.of("spot-a", 2, "spot-b", 1, "spot-c", 2));
    // per pool: z1 e1 + e3 (once, though it may land on spot-a or spot-b) = 2; z2 e2 + e3 = 2
    assertThat(job.countsByGroup(pools::get, "none")).isEqualTo(Map.of("z1", 2, "z2", 2));
  }

  @Test
  void countsByPoolTakesAnInFlightExecutorsPoolsFromItsRecord() {
    // the same as countsByGroup, with e3's pools read from its record: z1 e1 + e3 = 2, z2 e2 + e3
    assertThat(job.countsByPool(pools::get, "none")).isEqualTo(Map.of("z1", 2, "z2", 2));
    // the record, not the function, places e3: a function that knows no pool still counts it
    assertThat(job.countsByPool(n -> null, "none")).isEqualTo(Map.of("z1", 1, "z2", 1));
    // without e3 only the bound ones: z1 = e1, z2 = e2
    assertThat(job.countsByPool(pools::get, "e3")).isEqualTo(Map.of("z1", 1, "z2", 1));
  }

  @Test
  void excludesThePodAndNodesWithoutAGroup() {
    // without e3: z1 = e1, z2 = e2
    assertThat(job.countsByGroup(pools::get, "e3")).isEqualTo(Map.of("z1", 1, "z2", 1));
    // spot-c has no group (say, an on-demand node): only z1 counts
    assertThat(job.countsByGroup(n -> n.equals("spot-c") ? null : pools.get(n), "none"))
        .isEqualTo(Map.of("z1", 2));
  }
}
