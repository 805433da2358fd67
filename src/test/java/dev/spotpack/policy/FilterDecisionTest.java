package dev.spotpack.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.policy.model.InFlight;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  @Test
  void noCappedNodeIsNotInFlight() {
    assertThat(new FilterDecision(List.of("od-1"), Map.of()).inFlight()).isSameAs(InFlight.NONE);
  }
}
