package dev.spotpack.policy.model;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The active executors of one job: bound ones by node, and pending ones. "Active" means not
 * finished and not marked inactive by Spark; the cluster state decides that when it indexes a pod.
 *
 * <p>A pending executor may be <em>in flight</em>: spotpack's filter let it onto some spot nodes
 * and kube-scheduler has picked one of them, but its bind has not arrived yet (kube-scheduler binds
 * asynchronously and already runs the next pod's filter). Until then it counts on <em>each</em> of
 * those nodes, so that no cap can be passed while a bind is in flight.
 *
 * @param nodeByExecutorUid bound (or bound-by-us) executors, uid to node name
 * @param pendingExecutorUids executors known but not yet placed
 * @param inFlightByUid pending executors in flight: uid to the spot nodes the filter allowed and
 *     their pools
 *     <p>Immutable.
 */
public record JobExecutors(
    Map<String, String> nodeByExecutorUid,
    Set<String> pendingExecutorUids,
    Map<String, InFlight> inFlightByUid) {
  public static final JobExecutors NONE = new JobExecutors(Map.of(), Set.of(), Map.of());

  public JobExecutors {
    nodeByExecutorUid = Map.copyOf(nodeByExecutorUid);
    pendingExecutorUids = Set.copyOf(pendingExecutorUids);
    inFlightByUid = Map.copyOf(inFlightByUid);
  }

  public JobExecutors(Map<String, String> nodeByExecutorUid, Set<String> pendingExecutorUids) {
    this(nodeByExecutorUid, pendingExecutorUids, Map.of());
  }

  public int count() {
    return nodeByExecutorUid.size() + pendingExecutorUids.size();
  }

  public boolean contains(String uid) {
    return nodeByExecutorUid.containsKey(uid) || pendingExecutorUids.contains(uid);
  }

  /** Executors on {@code node}, not counting {@code excludedUid}. */
  public int countOn(String node, String excludedUid) {
    return countWhere(node::equals, excludedUid);
  }

  /**
   * Executors per node, not counting {@code excludedUid}; an in-flight executor counts on each of
   * its possible nodes. One pass over the job, for callers that ask about many nodes.
   */
  public Map<String, Integer> countsByNode(String excludedUid) {
    return counts(node -> node, InFlight::nodes, excludedUid);
  }

  /**
   * Executors per capacity pool, not counting {@code excludedUid}: a bound executor in the pool of
   * its node ({@code poolOfNode}, null for a node in no pool: not counted), an in-flight one once
   * in each pool its filter recorded. {@link #countsByGroup} with pools as the groups, without
   * looking up every node of every in-flight executor.
   */
  public Map<String, Integer> countsByPool(
      Function<String, @Nullable String> poolOfNode, String excludedUid) {
    return counts(poolOfNode, InFlight::pools, excludedUid);
  }

  /**
   * Executors per group of nodes (a capacity pool, say), not counting {@code excludedUid}; nodes
   * whose group is null are not counted. An in-flight executor counts once in each group of its
   * possible nodes: it will be on one of them, and counting it per node would count it several
   * times in one group.
   */
  public Map<String, Integer> countsByGroup(
      Function<String, @Nullable String> groupOfNode, String excludedUid) {
    return counts(
        groupOfNode,
        inFlight -> {
          Set<String> groups = new HashSet<>();
          for (String node : inFlight.nodes()) {
            String group = groupOfNode.apply(node);
            if (group != null) {
              groups.add(group);
            }
          }
          return groups;
        },
        excludedUid);
  }

  /**
   * One pass over the job, not counting {@code excludedUid}: a bound executor once at the place of
   * its node (none when null), an in-flight one once at each of its places.
   */
  private Map<String, Integer> counts(
      Function<String, @Nullable String> placeOfNode,
      Function<InFlight, Collection<String>> placesInFlight,
      String excludedUid) {
    Map<String, Integer> counts = new HashMap<>();
    for (Map.Entry<String, String> e : nodeByExecutorUid.entrySet()) {
      String place = e.getKey().equals(excludedUid) ? null : placeOfNode.apply(e.getValue());
      if (place != null) {
        counts.merge(place, 1, Integer::sum);
      }
    }
    for (Map.Entry<String, InFlight> e : inFlightByUid.entrySet()) {
      if (!e.getKey().equals(excludedUid)) {
        placesInFlight.apply(e.getValue()).forEach(p -> counts.merge(p, 1, Integer::sum));
      }
    }
    return counts;
  }

  /**
   * Executors on nodes that pass {@code nodeTest}, not counting {@code excludedUid}; an in-flight
   * executor counts once if any of its possible nodes passes.
   */
  public int countWhere(Predicate<String> nodeTest, String excludedUid) {
    int n = 0;
    for (Map.Entry<String, String> e : nodeByExecutorUid.entrySet()) {
      if (!e.getKey().equals(excludedUid) && nodeTest.test(e.getValue())) {
        n++;
      }
    }
    for (Map.Entry<String, InFlight> e : inFlightByUid.entrySet()) {
      if (!e.getKey().equals(excludedUid) && e.getValue().nodes().stream().anyMatch(nodeTest)) {
        n++;
      }
    }
    return n;
  }
}
