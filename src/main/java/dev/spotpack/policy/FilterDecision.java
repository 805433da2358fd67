package dev.spotpack.policy;

import dev.spotpack.policy.model.InFlight;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The filter's answer for one pod: the nodes that pass, in the order they were given, and the
 * rejected ones with their reasons.
 *
 * <p>A class rather than a record so that the policy can hand over the lists it has just built
 * without a copy: at 5,000 candidates, copying them into new lists was about 6% of a filter call's
 * CPU through HTTP (docs/benchmarks-log.md, stop 32). Everyone else's lists are copied.
 *
 * <p>Immutable.
 */
public final class FilterDecision {
  // pool instances told apart by reference before the pools are hashed (distinctPools)
  private static final int DISTINCT_POOLS_SCANNED = 16;

  private final List<String> feasible;
  private final Map<String, Rejection> rejected;
  private final List<String> cappedFeasible;
  private final List<String> cappedPools;
  private final boolean capsRelaxed;

  /**
   * @param cappedFeasible the passing nodes on which a cap counted this pod (spot nodes, for an
   *     executor of a job): until the pod is bound, it may land on any of them
   * @param cappedPools the capacity pool of each of {@code cappedFeasible}, in the same order
   * @param capsRelaxed whether the executor went past its caps because it had waited long enough
   *     ({@code spot.onCapsExhausted: relax})
   */
  public FilterDecision(
      List<String> feasible,
      Map<String, Rejection> rejected,
      List<String> cappedFeasible,
      List<String> cappedPools,
      boolean capsRelaxed) {
    this(
        capsRelaxed,
        List.copyOf(feasible),
        // candidate order, so that answers and logs read the same on every run (Map.copyOf would
        // not)
        new LinkedHashMap<>(rejected),
        List.copyOf(cappedFeasible),
        List.copyOf(cappedPools));
  }

  public FilterDecision(List<String> feasible, Map<String, Rejection> rejected) {
    this(feasible, rejected, List.of(), List.of(), false);
  }

  /** Keeps the collections it is given (behind read-only views). */
  private FilterDecision(
      boolean capsRelaxed,
      List<String> feasible,
      Map<String, Rejection> rejected,
      List<String> cappedFeasible,
      List<String> cappedPools) {
    this.feasible = Collections.unmodifiableList(feasible);
    this.rejected = Collections.unmodifiableMap(rejected);
    this.cappedFeasible = Collections.unmodifiableList(cappedFeasible);
    this.cappedPools = Collections.unmodifiableList(cappedPools);
    this.capsRelaxed = capsRelaxed;
  }

  /**
   * A decision over collections the caller has just built and hands over: nothing else may hold or
   * change them afterwards. {@code rejected} must keep the candidates' order.
   */
  static FilterDecision handedOver(
      List<String> feasible,
      LinkedHashMap<String, Rejection> rejected,
      List<String> cappedFeasible,
      List<String> cappedPools,
      boolean capsRelaxed) {
    return new FilterDecision(capsRelaxed, feasible, rejected, cappedFeasible, cappedPools);
  }

  /** The passing nodes, in the order they were given. */
  public List<String> feasible() {
    return feasible;
  }

  /** The rejected nodes with their reasons, in the order they were given. */
  public Map<String, Rejection> rejected() {
    return rejected;
  }

  /**
   * The passing nodes on which a cap counted this pod (spot nodes, for an executor of a job): until
   * the pod is bound, it may land on any of them.
   */
  public List<String> cappedFeasible() {
    return cappedFeasible;
  }

  /** The capacity pool of each of {@link #cappedFeasible}, in the same order. */
  public List<String> cappedPools() {
    return cappedPools;
  }

  /**
   * Whether the executor went past its caps because it had waited long enough ({@code
   * spot.onCapsExhausted: relax}).
   */
  public boolean capsRelaxed() {
    return capsRelaxed;
  }

  /**
   * Where the pod may land until its bind arrives: the capped nodes and their pools. Built only
   * when a live source records it (sets of thousands of nodes in a large cluster), not with every
   * decision.
   */
  public InFlight inFlight() {
    return cappedFeasible.isEmpty()
        ? InFlight.NONE
        : new InFlight(distinct(cappedFeasible), distinctPools(cappedPools));
  }

  /**
   * The pools as a set. In the filter's usual case a few pools repeat across hundreds of capped
   * nodes as the same instances (the node facts keep one string per pool), so they are told apart
   * by reference in a short array, without touching the strings; {@code Set.copyOf} hashed every
   * element into a {@code HashSet} first. Past a handful of instances (nodes without pool labels
   * are each a pool of their own; pools looked up by name are one instance per node), or when two
   * instances turn out equal, the pools are hashed as before.
   */
  private static Set<String> distinctPools(List<String> pools) {
    String[] seen = new String[DISTINCT_POOLS_SCANNED];
    int n = 0;
    for (int i = 0; i < pools.size(); i++) {
      String pool = pools.get(i);
      if (!holdsInstance(seen, n, pool)) {
        if (n == seen.length) {
          return hashed(pools);
        }
        seen[n++] = pool;
      }
    }
    try {
      return Set.of(Arrays.copyOf(seen, n));
    } catch (IllegalArgumentException equalInstances) {
      return hashed(pools);
    }
  }

  private static boolean holdsInstance(String[] seen, int n, String pool) {
    for (int j = n - 1; j >= 0; j--) {
      if (seen[j] == pool) {
        return true;
      }
    }
    return false;
  }

  /** What {@code Set.copyOf} does for a list, without its second hash set. */
  private static Set<String> hashed(List<String> names) {
    return Set.of(new HashSet<>(names).toArray(String[]::new));
  }

  /**
   * The names as a set. They are distinct unless the request named a node twice, so they go
   * straight into an immutable set, which refuses a repeat; only then are they deduplicated first.
   * {@code Set.copyOf} always builds a {@code HashSet} first: at a few hundred capped nodes per
   * filter call that was most of recording the pod in flight, 5% of spotpack's CPU in the
   * scheduling loop (async-profiler, docs/benchmarks-log.md, stop 32).
   */
  private static Set<String> distinct(List<String> names) {
    try {
      return Set.of(names.toArray(String[]::new));
    } catch (IllegalArgumentException repeated) {
      return hashed(names);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FilterDecision other
        && feasible.equals(other.feasible)
        && rejected.equals(other.rejected)
        && cappedFeasible.equals(other.cappedFeasible)
        && cappedPools.equals(other.cappedPools)
        && capsRelaxed == other.capsRelaxed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(feasible, rejected, cappedFeasible, cappedPools, capsRelaxed);
  }

  @Override
  public String toString() {
    return "FilterDecision[feasible="
        + feasible
        + ", rejected="
        + rejected
        + ", cappedFeasible="
        + cappedFeasible
        + ", cappedPools="
        + cappedPools
        + ", capsRelaxed="
        + capsRelaxed
        + "]";
  }
}
