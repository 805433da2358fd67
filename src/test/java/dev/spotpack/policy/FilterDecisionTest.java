package dev.spotpack.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.policy.model.InFlight;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterDecisionTest {
  /** The capped nodes and their pools as the pod's in-flight record, each node once. */
  @ParameterizedTest(name = "capped {0}: in flight on {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "spot-a,spot-b    | spot-a,spot-b",
        // a request that names a node twice: the node counts once
        "spot-a,spot-b,spot-a | spot-a,spot-b",
        "spot-a           | spot-a",
      })
  void recordsEachCappedNodeOnce(String capped, String want) {
    List<String> nodes = List.of(capped.split(","));
    List<String> pools = nodes.stream().map(n -> "pool-" + n).toList();
    FilterDecision decision = new FilterDecision(nodes, Map.of(), nodes, pools, false);

    InFlight inFlight = decision.inFlight();

    assertThat(inFlight.nodes()).isEqualTo(Set.of(want.split(",")));
    assertThat(inFlight.pools())
        .isEqualTo(Set.copyOf(inFlight.nodes().stream().map(n -> "pool-" + n).toList()));
  }

  /** Each pool once, however the capped nodes' pools repeat. */
  @ParameterizedTest(name = "pools {0}: in flight in {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a              | a",
        "a,a,a          | a",
        "a,b,a,b,c      | a,b,c",
        "a,b,c,c,b,a    | a,b,c",
        // past the 16 gathered in a list: from the 17th on through a hash set, repeats too
        "p1,p2,p3,p4,p5,p6,p7,p8,p9,p10,p11,p12,p13,p14,p15,p16,p17,p1,p18,p18 |"
            + " p1,p2,p3,p4,p5,p6,p7,p8,p9,p10,p11,p12,p13,p14,p15,p16,p17,p18",
        "p1,p2,p3,p4,p5,p6,p7,p8,p9,p10,p11,p12,p13,p14,p15,p16,p16,p16 |"
            + " p1,p2,p3,p4,p5,p6,p7,p8,p9,p10,p11,p12,p13,p14,p15,p16",
      })
  void recordsEachPoolOnce(String pools, String want) {
    // each pool one instance, as the node facts keep them; and each node's its own, as pools
    // looked up by name are
    for (UnaryOperator<String> instance :
        List.<UnaryOperator<String>>of(String::intern, String::new)) {
      List<String> poolOfEach = Stream.of(pools.split(",")).map(instance).toList();
      List<String> nodes =
          IntStream.range(0, poolOfEach.size()).mapToObj(i -> "spot-" + i).toList();
      FilterDecision decision = new FilterDecision(nodes, Map.of(), nodes, poolOfEach, false);

      assertThat(decision.inFlight().pools()).isEqualTo(Set.of(want.split(",")));
    }
  }

  @Test
  void noCappedNodeIsNotInFlight() {
    assertThat(new FilterDecision(List.of("od-1"), Map.of()).inFlight()).isSameAs(InFlight.NONE);
  }
}
