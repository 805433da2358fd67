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
 * <p>A job is published again on every change (its executors are created, filtered, bound, seen
 * running: several times per scheduled executor), and every filter call for one of its executors
 * counts it per node and per pool. Neither may cost O(executors of the job), or scheduling a job
 * becomes quadratic in its size (stop 39 in docs/benchmarks-log.md: 42 µs per executor in a job of
 * 100, 324–431 µs in a job of 3,000). So the bound executors are kept counted per node, and both
 * maps are {@link LayeredMap}s that each version shares with the last but for what changed:
 * publishing costs O(changes), amortized, and counting costs O(nodes the job is on + in-flight
 * executors). {@link Writer} keeps a job up to date and publishes it.
 *
 * <p>Immutable.
 */
public final class JobExecutors {
  public static final JobExecutors NONE = new JobExecutors(Map.of(), Set.of(), Map.of());

  /** A pending executor's place in {@link #placeByUid}; a node's name is never empty. */
  private static final String PENDING = "";

  /** Every executor's node, or {@link #PENDING}. */
  private final LayeredMap<String, String> placeByUid;

  /** Bound executors per node; only nodes with at least one. */
  private final LayeredMap<String, Integer> boundByNode;

  private final int bound;
  private final int pending;

  /** Pending executors in flight: uid to the spot nodes the filter allowed and their pools. */
  private final Map<String, InFlight> inFlightByUid;

  /**
   * @param nodeByExecutorUid bound (or bound-by-us) executors, uid to node name
   * @param pendingExecutorUids executors known but not yet placed
   * @param inFlightByUid pending executors in flight: uid to the spot nodes the filter allowed and
   *     their pools
   * @throws IllegalArgumentException when an executor is both bound and pending
   */
  public JobExecutors(
      Map<String, String> nodeByExecutorUid,
      Set<String> pendingExecutorUids,
      Map<String, InFlight> inFlightByUid) {
    Map<String, String> places = new HashMap<>(nodeByExecutorUid);
    Map<String, Integer> byNode = new HashMap<>();
    nodeByExecutorUid.forEach(
        (uid, node) -> byNode.merge(requireNodeName(uid, node), 1, Integer::sum));
    for (String uid : pendingExecutorUids) {
      if (places.putIfAbsent(uid, PENDING) != null) {
        throw new IllegalArgumentException("executor " + uid + " is both bound and pending");
      }
    }
    this.placeByUid = LayeredMap.of(places);
    this.boundByNode = LayeredMap.of(byNode);
    this.bound = nodeByExecutorUid.size();
    this.pending = pendingExecutorUids.size();
    this.inFlightByUid = Map.copyOf(inFlightByUid);
  }

  public JobExecutors(Map<String, String> nodeByExecutorUid, Set<String> pendingExecutorUids) {
    this(nodeByExecutorUid, pendingExecutorUids, Map.of());
  }

  private JobExecutors(
      LayeredMap<String, String> placeByUid,
      LayeredMap<String, Integer> boundByNode,
      int bound,
      int pending,
      Map<String, InFlight> inFlightByUid) {
    this.placeByUid = placeByUid;
    this.boundByNode = boundByNode;
    this.bound = bound;
    this.pending = pending;
    this.inFlightByUid = inFlightByUid;
  }

  private static String requireNodeName(String uid, String node) {
    if (node.equals(PENDING)) {
      throw new IllegalArgumentException("executor " + uid + " is bound to a node without a name");
    }
    return node;
  }

  public int count() {
    return bound + pending;
  }

  public int pendingCount() {
    return pending;
  }

  public boolean contains(String uid) {
    return placeByUid.get(uid) != null;
  }

  /** The node of a bound executor; null for a pending or unknown one. */
  public @Nullable String nodeOf(String uid) {
    String place = placeByUid.get(uid);
    return place == null || place.equals(PENDING) ? null : place;
  }

  /** Bound executors per node, every node holding at least one, in no particular order. */
  public void forEachBoundNode(NodeCountConsumer action) {
    boundByNode.forEach(action::accept);
  }

  /** A node and how many of the job's bound executors it holds. */
  @FunctionalInterface
  public interface NodeCountConsumer {
    void accept(String node, int count);
  }

  /** The pending executors' uids. O(executors of the job): for reports, not for every call. */
  public Set<String> pendingExecutorUids() {
    Set<String> uids = new HashSet<>();
    placeByUid.forEach(
        (uid, place) -> {
          if (place.equals(PENDING)) {
            uids.add(uid);
          }
        });
    return uids;
  }

  /** Executors on {@code node}, not counting {@code excludedUid}. */
  public int countOn(String node, String excludedUid) {
    return countWhere(node::equals, excludedUid);
  }

  /**
   * Executors per node, not counting {@code excludedUid}; an in-flight executor counts on each of
   * its possible nodes.
   */
  public Map<String, Integer> countsByNode(String excludedUid) {
    return counts(node -> node, InFlight::nodes, excludedUid);
  }

  /**
   * The nodes holding at least {@code atLeast} executors, with their counts: {@link #countsByNode}
   * without the nodes below {@code atLeast}. Where the in-flight executors alone cannot reach
   * {@code atLeast} (a cap above a handful, the usual case), only the nodes whose bound executors
   * come within that many of it are looked up in the in-flight sets, instead of every node of every
   * in-flight executor being counted (at 5,000 nodes each in-flight executor may have thousands).
   */
  public Map<String, Integer> nodesWithAtLeast(int atLeast, String excludedUid) {
    int flying = inFlightByUid.size() - (inFlightByUid.containsKey(excludedUid) ? 1 : 0);
    if (atLeast <= flying) {
      Map<String, Integer> full = countsByNode(excludedUid);
      full.values().removeIf(n -> n < atLeast);
      return full;
    }
    Map<String, Integer> full = new HashMap<>();
    String excludedNode = nodeOf(excludedUid);
    boundByNode.forEach(
        (node, bound) -> {
          int n = node.equals(excludedNode) ? bound - 1 : bound;
          if (n + flying < atLeast) {
            return;
          }
          for (Map.Entry<String, InFlight> e : inFlightByUid.entrySet()) {
            if (!e.getKey().equals(excludedUid) && e.getValue().nodes().contains(node)) {
              n++;
            }
          }
          if (n >= atLeast) {
            full.put(node, n);
          }
        });
    return full;
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
   * Not counting {@code excludedUid}: the bound executors of each node at the place of that node
   * (none when null), an in-flight executor once at each of its places. One look at each node the
   * job is on, not at each executor.
   */
  private Map<String, Integer> counts(
      Function<String, @Nullable String> placeOfNode,
      Function<InFlight, Collection<String>> placesInFlight,
      String excludedUid) {
    Map<String, Integer> counts = new HashMap<>();
    boundByNode.forEach(
        (node, n) -> {
          String place = placeOfNode.apply(node);
          if (place != null) {
            counts.merge(place, n, Integer::sum);
          }
        });
    String excludedNode = nodeOf(excludedUid);
    if (excludedNode != null) {
      String place = placeOfNode.apply(excludedNode);
      if (place != null) {
        counts.computeIfPresent(place, (p, n) -> n == 1 ? null : n - 1);
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
    int[] n = {0};
    boundByNode.forEach(
        (node, count) -> {
          if (nodeTest.test(node)) {
            n[0] += count;
          }
        });
    String excludedNode = nodeOf(excludedUid);
    if (excludedNode != null && nodeTest.test(excludedNode)) {
      n[0]--;
    }
    for (Map.Entry<String, InFlight> e : inFlightByUid.entrySet()) {
      if (!e.getKey().equals(excludedUid) && e.getValue().nodes().stream().anyMatch(nodeTest)) {
        n[0]++;
      }
    }
    return n[0];
  }

  /** Whether this version was published from {@code other} without copying either's whole maps. */
  boolean sharesMapsWith(JobExecutors other) {
    return placeByUid.sharesBaseWith(other.placeByUid)
        && boundByNode.sharesBaseWith(other.boundByNode);
  }

  /** Equal when they hold the same executors in the same places, in flight alike. O(executors). */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof JobExecutors other
        && bound == other.bound
        && pending == other.pending
        && inFlightByUid.equals(other.inFlightByUid)
        && places().equals(other.places());
  }

  @Override
  public int hashCode() {
    return places().hashCode() * 31 + inFlightByUid.hashCode();
  }

  @Override
  public String toString() {
    Map<String, String> nodeByUid = new HashMap<>(places());
    nodeByUid.values().removeIf(PENDING::equals);
    return "JobExecutors[bound="
        + nodeByUid
        + ", pending="
        + pendingExecutorUids()
        + ", inFlight="
        + inFlightByUid
        + "]";
  }

  private Map<String, String> places() {
    Map<String, String> places = new HashMap<>();
    placeByUid.forEach(places::put);
    return places;
  }

  /**
   * One job's executors as the cluster state keeps them between snapshots: changed in place on
   * every pod event and filter call, published as a {@link JobExecutors} that shares all but the
   * changes since the last one.
   *
   * <p>Not thread-safe.
   */
  public static final class Writer {
    private final Map<String, String> placeByUid = new HashMap<>();
    private final Map<String, Integer> boundByNode = new HashMap<>();
    private final Map<String, InFlight> inFlightByUid = new HashMap<>();
    private int bound;
    private int pending;

    // what changed since the last publish
    private final Set<String> changedUids = new HashSet<>();
    private final Set<String> changedNodes = new HashSet<>();
    private boolean inFlightChanged;
    private JobExecutors published = NONE;

    /**
     * Adds or replaces an executor: bound to {@code node}, or pending ({@code node} null) and in
     * flight when {@code inFlight} is not empty.
     *
     * @throws IllegalArgumentException when {@code node} is empty: a pod is bound to a named node
     */
    public void put(String uid, @Nullable String node, InFlight inFlight) {
      if (node != null) {
        requireNodeName(uid, node);
      }
      remove(uid);
      changedUids.add(uid);
      if (node != null) {
        placeByUid.put(uid, node);
        boundByNode.merge(node, 1, Integer::sum);
        changedNodes.add(node);
        bound++;
      } else {
        placeByUid.put(uid, PENDING);
        pending++;
        if (!inFlight.isEmpty()) {
          inFlightByUid.put(uid, inFlight);
          inFlightChanged = true;
        }
      }
    }

    public void remove(String uid) {
      String place = placeByUid.remove(uid);
      if (place == null) {
        return;
      }
      changedUids.add(uid);
      if (place.equals(PENDING)) {
        pending--;
        if (inFlightByUid.remove(uid) != null) {
          inFlightChanged = true;
        }
      } else {
        bound--;
        boundByNode.computeIfPresent(place, (node, n) -> n == 1 ? null : n - 1);
        changedNodes.add(place);
      }
    }

    public int count() {
      return bound + pending;
    }

    /** The job as it is now; the last one published when nothing changed since. */
    public JobExecutors publish() {
      if (changedUids.isEmpty() && !inFlightChanged) {
        return published;
      }
      published =
          new JobExecutors(
              published.placeByUid.with(changedUids, placeByUid),
              changedNodes.isEmpty()
                  ? published.boundByNode
                  : published.boundByNode.with(changedNodes, boundByNode),
              bound,
              pending,
              inFlightChanged ? Map.copyOf(inFlightByUid) : published.inFlightByUid);
      changedUids.clear();
      changedNodes.clear();
      inFlightChanged = false;
      return published;
    }
  }
}
