package dev.spotpack.policy.model;

import java.util.Set;

/**
 * Where a pending executor may land any moment now: the spot nodes spotpack's filter let it onto
 * (kube-scheduler has picked one of them and its bind has not arrived yet), and the capacity pools
 * of those nodes. Until the bind, the executor counts on each of the nodes and once in each of the
 * pools. The pools are worked out by the filter that allowed the nodes, once, so that every later
 * filter call counts a job's in-flight executors per pool without looking up each of their nodes
 * again.
 *
 * <p>Immutable.
 */
public record InFlight(Set<String> nodes, Set<String> pools) {
  public static final InFlight NONE = new InFlight(Set.of(), Set.of());

  public InFlight {
    nodes = Set.copyOf(nodes);
    pools = Set.copyOf(pools);
  }

  public boolean isEmpty() {
    return nodes.isEmpty();
  }
}
