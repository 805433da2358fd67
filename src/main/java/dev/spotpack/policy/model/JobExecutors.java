package dev.spotpack.policy.model;

import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The active executors of one job: bound ones by node, and pending ones. "Active" means not
 * finished and not marked inactive by Spark; the cluster state decides that when it indexes a pod.
 *
 * @param nodeByExecutorUid bound (or bound-by-us) executors, uid to node name
 * @param pendingExecutorUids executors known but not yet placed
 *
 * <p>Immutable.
 */
public record JobExecutors(Map<String, String> nodeByExecutorUid, Set<String> pendingExecutorUids) {
  public static final JobExecutors NONE = new JobExecutors(Map.of(), Set.of());

  public JobExecutors {
    nodeByExecutorUid = Map.copyOf(nodeByExecutorUid);
    pendingExecutorUids = Set.copyOf(pendingExecutorUids);
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

  /** Executors on nodes that pass {@code nodeTest}, not counting {@code excludedUid}. */
  public int countWhere(Predicate<String> nodeTest, String excludedUid) {
    int n = 0;
    for (Map.Entry<String, String> e : nodeByExecutorUid.entrySet()) {
      if (!e.getKey().equals(excludedUid) && nodeTest.test(e.getValue())) {
        n++;
      }
    }
    return n;
  }
}
