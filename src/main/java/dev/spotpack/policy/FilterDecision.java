package dev.spotpack.policy;

import dev.spotpack.policy.model.InFlight;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The filter's answer for one pod: the nodes that pass, in the order they were given, and the
 * rejected ones with their reasons.
 *
 * @param cappedFeasible the passing nodes on which a cap counted this pod (spot nodes, for an
 *     executor of a job): until the pod is bound, it may land on any of them
 * @param cappedPools the capacity pool of each of {@code cappedFeasible}, in the same order
 * @param capsRelaxed whether the executor went past its caps because it had waited long enough
 *     ({@code spot.onCapsExhausted: relax})
 *     <p>Immutable.
 */
public record FilterDecision(
    List<String> feasible,
    Map<String, Rejection> rejected,
    List<String> cappedFeasible,
    List<String> cappedPools,
    boolean capsRelaxed) {
  public FilterDecision {
    feasible = List.copyOf(feasible);
    // candidate order, so that answers and logs read the same on every run (Map.copyOf would not)
    rejected = Collections.unmodifiableMap(new LinkedHashMap<>(rejected));
    cappedFeasible = List.copyOf(cappedFeasible);
    cappedPools = List.copyOf(cappedPools);
  }

  public FilterDecision(List<String> feasible, Map<String, Rejection> rejected) {
    this(feasible, rejected, List.of(), List.of(), false);
  }

  /**
   * Where the pod may land until its bind arrives: the capped nodes and their pools. Built only
   * when a live source records it (sets of thousands of nodes in a large cluster), not with every
   * decision.
   */
  public InFlight inFlight() {
    return cappedFeasible.isEmpty()
        ? InFlight.NONE
        : new InFlight(Set.copyOf(cappedFeasible), Set.copyOf(cappedPools));
  }
}
