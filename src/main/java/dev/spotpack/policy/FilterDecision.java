package dev.spotpack.policy;

import java.util.List;
import java.util.Map;

/**
 * The filter's answer for one pod: the nodes that pass, in the order they were given, and the
 * rejected ones with their reasons.
 *
 * <p>Immutable.
 */
public record FilterDecision(List<String> feasible, Map<String, Rejection> rejected) {
  public FilterDecision {
    feasible = List.copyOf(feasible);
    rejected = Map.copyOf(rejected);
  }
}
