package dev.spotpack.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.spotpack.policy.model.JobExecutors;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.spot.PodRoles;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/*
 * Design note.
 *
 * Problem 1, cost: every filter and prioritize call needs, for the pod's job, where its executors
 * are, and for every candidate node, the resources already requested there. Recomputing either
 * from the pod list per request is O(pods), 150,000 in a large cluster. Requests must read
 * aggregates instead.
 *
 * Problem 2, staleness: kube-scheduler binds asynchronously, and even when spotpack is the binder
 * the informer reports the binding only later. Spark creates executors in bursts, so a state that
 * waits for the informer lets many executors of one job pass the per-node cap on the same spot
 * node (peers.md: Palantir's write-through cache, Spot Balancer's decision counters;
 * extender-protocol.md 2.10).
 *
 * Structure: two layers per pod uid.
 *   - informer truth: what the API server told us (or the snapshot file);
 *   - assumptions: pods seen in a filter call that the informer has not shown yet (pending), and
 *     placements spotpack bound that the informer has not reported yet (bound to a node).
 * The effective pod is the informer's if it is bound; else the assumed placement if there is one;
 * else whichever layer knows the pod. A stale informer update that still shows the pod pending
 * therefore cannot undo our placement. An assumption ends when the informer reports the pod bound
 * or deleted, or after its time-to-live (Caffeine, with an injected Ticker, so tests never sleep).
 *
 * The indexes (per-node requested resources, per-job executors by node) hold effective pods and
 * are updated on each change of one pod, in O(1) in the cluster size (a job's executor map is
 * copied on write: O(executors of that job)). Readers take an immutable ClusterSnapshot, built
 * lazily after a change and cached until the next one, so requests never lock and never see half
 * a change. Building one after a pod change copies only what changed since the last one: the
 * node map is shared until a node changes, and the per-node and per-job indexes are layered
 * (LayeredMap: O(sqrt(nodes)) per publish, not O(nodes)).
 *
 * Memory: a cached pod keeps only what the policy needs: uid, name, node, its non-zero request,
 * and the labels that name its job and role (other labels and all annotations but spotpack's are
 * dropped).
 */

/**
 * The single source of cluster facts for decisions. Writers (snapshot loader, informer handlers,
 * binders, verbs observing pods) call the mutators; readers call {@link #snapshot()}.
 *
 * <p>Thread-safe: mutators are serialised on this object; {@link #snapshot()} locks only to build a
 * new snapshot after a change.
 */
public final class ClusterState {
  private static final String SPOTPACK_ANNOTATION_PREFIX = "spotpack.dev/";
  private static final long SWEEP_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

  /**
   * What spotpack knows of a pod before the informer does: bound to {@code node} by our bind; or
   * pending, and then possibly in flight to one of {@code inFlight} (the spot nodes our filter
   * allowed, between kube-scheduler's choice and its bind call).
   */
  private record Assumed(
      PodInfo pod, @Nullable String node, Set<String> inFlight, long sinceNanos) {}

  /** What the indexes hold for a pod: its effective state and the nodes it may be in flight to. */
  private record Indexed(PodInfo pod, Set<String> inFlight) {}

  /**
   * An in-flight record ends with the bind that follows within milliseconds; if kube-scheduler
   * never binds (the pod failed a later plugin, or went to a node we did not cap), it is
   * re-filtered or bound elsewhere soon. Half a minute bounds the cost of a record nobody ends.
   */
  static final Duration IN_FLIGHT_TTL = Duration.ofSeconds(30);

  /**
   * Far above any real burst (kube-scheduler handles a few hundred pods a second; records last
   * seconds to minutes), low enough to bound memory under hostile input: about 20 MB at most.
   */
  static final long MAX_ASSUMPTIONS = 50_000;

  private final PodRoles roles;
  private final Ticker ticker;
  private final boolean recordAssumptions;
  private final AssumptionListener listener;
  private final Set<String> keptLabels;

  private final Map<String, NodeInfo> nodes = new HashMap<>();
  private final Map<String, PodInfo> informerPods = new HashMap<>();
  private final Cache<String, Assumed> assumptions;
  private final Map<String, Indexed> effective = new HashMap<>();
  private final Map<String, String> uidByKey = new HashMap<>();
  private final Map<String, Resources> nonZeroRequested = new HashMap<>();
  private final Map<String, JobExecutors> jobs = new HashMap<>();
  private final Map<String, Map<String, String>> jobAnnotations = new HashMap<>();

  // what changed since lastPublished, so that the next snapshot copies only that
  private final Set<String> changedRequested = new HashSet<>();
  private final Set<String> changedJobs = new HashSet<>();
  private boolean nodesChanged;
  private boolean jobAnnotationsChanged;
  private ClusterSnapshot lastPublished = ClusterSnapshot.EMPTY;

  private volatile @Nullable ClusterSnapshot published = ClusterSnapshot.EMPTY;
  private volatile long lastSweepNanos;

  /** A state for snapshot mode: binds are truth, nothing expires. */
  public ClusterState(PodRoles roles) {
    this(roles, Ticker.systemTicker(), Duration.ofMinutes(2), true, AssumptionListener.NONE);
  }

  /**
   * @param assumptionTtl how long an unconfirmed placement or observed pod counts
   * @param recordAssumptions false only to demonstrate, in a test, what goes wrong without them
   */
  public ClusterState(
      PodRoles roles,
      Ticker ticker,
      Duration assumptionTtl,
      boolean recordAssumptions,
      AssumptionListener listener) {
    this.roles = roles;
    this.ticker = ticker;
    this.recordAssumptions = recordAssumptions;
    this.listener = listener;
    this.keptLabels = roles.labelKeys();
    Duration inFlightTtl =
        assumptionTtl.compareTo(IN_FLIGHT_TTL) < 0 ? assumptionTtl : IN_FLIGHT_TTL;
    this.assumptions =
        Caffeine.newBuilder()
            .ticker(ticker)
            .executor(Runnable::run)
            // bounded: a flood of filter calls for made-up pods must not grow memory without limit
            .maximumSize(MAX_ASSUMPTIONS)
            .expireAfter(
                Expiry.<String, Assumed>writing(
                    (uid, a) -> a.inFlight().isEmpty() ? assumptionTtl : inFlightTtl))
            .<String, Assumed>removalListener(
                (uid, assumed, cause) -> {
                  if ((cause == RemovalCause.EXPIRED || cause == RemovalCause.SIZE)
                      && uid != null
                      && assumed != null) {
                    onExpired(uid, assumed);
                  }
                })
            .build();
    this.lastSweepNanos = ticker.read();
  }

  public ClusterSnapshot snapshot() {
    long now = ticker.read();
    if (now - lastSweepNanos >= SWEEP_INTERVAL_NANOS) {
      synchronized (this) {
        lastSweepNanos = now;
        assumptions.cleanUp();
      }
    }
    ClusterSnapshot current = published;
    if (current != null) {
      return current;
    }
    synchronized (this) {
      if (published == null) {
        published = nextSnapshot();
      }
      return published;
    }
  }

  private ClusterSnapshot nextSnapshot() {
    ClusterSnapshot last = lastPublished;
    ClusterSnapshot next =
        new ClusterSnapshot(
            nodesChanged ? Map.copyOf(nodes) : last.nodes(),
            changedRequested.isEmpty()
                ? last.nonZeroRequested()
                : last.nonZeroRequested().with(changedRequested, nonZeroRequested),
            changedJobs.isEmpty() ? last.jobs() : last.jobs().with(changedJobs, jobs),
            jobAnnotationsChanged ? Map.copyOf(jobAnnotations) : last.jobAnnotations());
    nodesChanged = false;
    jobAnnotationsChanged = false;
    changedRequested.clear();
    changedJobs.clear();
    lastPublished = next;
    return next;
  }

  // ---- nodes ----

  /** Adds or replaces the node; an update that changes nothing spotpack reads is a no-op. */
  public synchronized void upsertNode(NodeInfo node) {
    NodeInfo previous = nodes.put(node.name(), node);
    if (!node.equals(previous)) {
      nodesChanged = true;
      published = null;
    }
  }

  public synchronized void removeNode(String name) {
    if (nodes.remove(name) != null) {
      nodesChanged = true;
      published = null;
    }
  }

  public synchronized boolean hasNode(String name) {
    return nodes.containsKey(name);
  }

  // ---- informer truth ----

  /** The pod as the API server (or the snapshot file) shows it; replaces the same uid. */
  public synchronized void upsertPod(PodInfo pod) {
    PodInfo compact = compact(pod);
    PodInfo previous = informerPods.put(compact.uid(), compact);
    if (previous != null && !previous.key().equals(compact.key())) {
      uidByKey.remove(previous.key(), compact.uid());
    }
    if (compact.isBound()) {
      Assumed assumed = assumptions.getIfPresent(compact.uid());
      if (assumed != null) {
        assumptions.invalidate(compact.uid());
        if (assumed.node() != null) {
          listener.confirmed(compact, Duration.ofNanos(ticker.read() - assumed.sinceNanos()));
        }
      }
    }
    reindex(compact.uid());
  }

  /**
   * Adds the pod to the informer layer unless a pod with its uid is known; for snapshot mode, where
   * what the verbs see is the truth. Returns whether it was added.
   */
  public synchronized boolean addIfAbsent(PodInfo pod) {
    if (effective.containsKey(pod.uid())) {
      return false;
    }
    upsertPod(pod);
    return true;
  }

  public synchronized void removePod(String uid) {
    informerPods.remove(uid);
    assumptions.invalidate(uid);
    reindex(uid);
  }

  /** For a deletion known only by namespace and name (an informer relist). */
  public synchronized void removePod(String namespace, String name) {
    String uid = uidByKey.get(namespace + "/" + name);
    if (uid != null) {
      removePod(uid);
    }
  }

  // ---- assumptions ----

  /**
   * A pod seen in a filter or prioritize call. If neither layer knows it, it becomes a known
   * pending pod (it counts in its job's size and can be bound) until the informer reports it or its
   * time-to-live ends. Returns whether it was new.
   */
  public synchronized boolean observe(PodInfo pod) {
    if (informerPods.containsKey(pod.uid())
        || !recordAssumptions
        || assumptions.getIfPresent(pod.uid()) != null) {
      return false;
    }
    assumptions.put(
        pod.uid(), new Assumed(compact(pod.boundTo(null)), null, Set.of(), ticker.read()));
    reindex(pod.uid());
    return true;
  }

  /**
   * Records that spotpack's filter let the pending pod onto {@code nodes} (the spot nodes its caps
   * counted it against): until its bind arrives it counts on each of them. Replaces an earlier
   * in-flight record of the same pod (a re-filter); ignored once the pod is bound.
   */
  public synchronized void inFlight(PodInfo pod, Collection<String> nodes) {
    if (!recordAssumptions || nodes.isEmpty()) {
      return;
    }
    PodInfo informer = informerPods.get(pod.uid());
    Assumed existing = assumptions.getIfPresent(pod.uid());
    if ((informer != null && informer.isBound()) || (existing != null && existing.node() != null)) {
      return;
    }
    PodInfo base = informer != null ? informer : compact(pod.boundTo(null));
    assumptions.put(pod.uid(), new Assumed(base, null, Set.copyOf(nodes), ticker.read()));
    reindex(pod.uid());
  }

  /**
   * Records that spotpack bound the pod to {@code node}; it counts there at once. Returns false if
   * the pod is unknown to both layers.
   */
  public synchronized boolean assumeBound(String uid, String node) {
    Indexed indexed = effective.get(uid);
    if (indexed == null) {
      return false;
    }
    PodInfo known = indexed.pod();
    if (!recordAssumptions) {
      return true;
    }
    PodInfo informer = informerPods.get(uid);
    if (informer != null && informer.isBound()) {
      return true;
    }
    assumptions.put(uid, new Assumed(known.boundTo(null), node, Set.of(), ticker.read()));
    reindex(uid);
    return true;
  }

  /** The effective pod by namespace and name. */
  public synchronized Optional<PodInfo> pod(String namespace, String name) {
    String uid = uidByKey.get(namespace + "/" + name);
    Indexed indexed = uid == null ? null : effective.get(uid);
    return indexed == null ? Optional.empty() : Optional.of(indexed.pod());
  }

  public synchronized int podCount() {
    return effective.size();
  }

  public synchronized int assumedCount() {
    assumptions.cleanUp();
    return (int) assumptions.estimatedSize();
  }

  // ---- indexing ----

  private void onExpired(String uid, Assumed assumed) {
    synchronized (this) {
      if (assumed.node() != null) {
        listener.expired(assumed.pod(), assumed.node());
      }
      reindex(uid);
    }
  }

  private @Nullable Indexed effectiveOf(String uid) {
    PodInfo informer = informerPods.get(uid);
    if (informer != null && informer.isBound()) {
      return new Indexed(informer, Set.of());
    }
    Assumed assumed = assumptions.getIfPresent(uid);
    if (assumed != null && assumed.node() != null) {
      return new Indexed(
          (informer != null ? informer : assumed.pod()).boundTo(assumed.node()), Set.of());
    }
    Set<String> inFlight = assumed == null ? Set.of() : assumed.inFlight();
    if (informer != null) {
      return new Indexed(informer, inFlight);
    }
    return assumed == null ? null : new Indexed(assumed.pod(), inFlight);
  }

  private void reindex(String uid) {
    Indexed before = effective.get(uid);
    Indexed after = effectiveOf(uid);
    if (Objects.equals(before, after)) {
      return;
    }
    if (before != null) {
      unindex(before.pod());
      effective.remove(uid);
      uidByKey.remove(before.pod().key(), uid);
    }
    if (after != null) {
      effective.put(uid, after);
      uidByKey.put(after.pod().key(), uid);
      index(after.pod(), after.inFlight());
    }
    published = null;
  }

  private void index(PodInfo pod, Set<String> inFlight) {
    if (pod.isBound()) {
      nonZeroRequested.merge(pod.nodeName(), pod.demand().nonZeroRequested(), Resources::plus);
      changedRequested.add(pod.nodeName());
    }
    activeExecutorJob(pod)
        .ifPresent(
            job -> {
              jobs.put(job, withExecutor(jobs.get(job), pod, inFlight));
              changedJobs.add(job);
              Map<String, String> spotAnnotations = pod.annotations();
              if (!spotAnnotations.isEmpty()
                  && !spotAnnotations.equals(jobAnnotations.put(job, spotAnnotations))) {
                jobAnnotationsChanged = true;
              }
            });
  }

  private void unindex(PodInfo pod) {
    if (pod.isBound()) {
      Resources left = nonZeroRequested.get(pod.nodeName()).minus(pod.demand().nonZeroRequested());
      if (left.amounts().values().stream().allMatch(v -> v == 0)) {
        nonZeroRequested.remove(pod.nodeName());
      } else {
        nonZeroRequested.put(pod.nodeName(), left);
      }
      changedRequested.add(pod.nodeName());
    }
    activeExecutorJob(pod)
        .ifPresent(
            job -> {
              JobExecutors rest = withoutExecutor(jobs.get(job), pod.uid());
              changedJobs.add(job);
              if (rest.count() == 0) {
                jobs.remove(job);
                if (jobAnnotations.remove(job) != null) {
                  jobAnnotationsChanged = true;
                }
              } else {
                jobs.put(job, rest);
              }
            });
  }

  private Optional<String> activeExecutorJob(PodInfo pod) {
    return roles.isActiveExecutor(pod.labels()) ? roles.jobOf(pod.labels()) : Optional.empty();
  }

  /** Only what the policy needs of a cached pod; node names shared with the node map. */
  private PodInfo compact(PodInfo pod) {
    Map<String, String> labels = new TreeMap<>();
    pod.labels()
        .forEach(
            (k, v) -> {
              if (keptLabels.contains(k)) {
                labels.put(k, v);
              }
            });
    Map<String, String> annotations = new TreeMap<>();
    pod.annotations()
        .forEach(
            (k, v) -> {
              if (k.startsWith(SPOTPACK_ANNOTATION_PREFIX)) {
                annotations.put(k, v);
              }
            });
    String node = pod.nodeName();
    if (node != null) {
      NodeInfo known = nodes.get(node);
      node = known != null ? known.name() : node;
    }
    return new PodInfo(
        pod.uid(), pod.namespace(), pod.name(), labels, annotations, node, pod.demand());
  }

  private static JobExecutors withExecutor(
      @Nullable JobExecutors job, PodInfo pod, Set<String> inFlight) {
    JobExecutors base = job == null ? JobExecutors.NONE : job;
    Map<String, String> bound = new HashMap<>(base.nodeByExecutorUid());
    Set<String> pending = new HashSet<>(base.pendingExecutorUids());
    Map<String, Set<String>> flying = new HashMap<>(base.inFlightNodesByUid());
    if (pod.isBound()) {
      bound.put(pod.uid(), pod.nodeName());
    } else {
      pending.add(pod.uid());
      if (!inFlight.isEmpty()) {
        flying.put(pod.uid(), inFlight);
      }
    }
    return new JobExecutors(bound, pending, flying);
  }

  private static JobExecutors withoutExecutor(@Nullable JobExecutors job, String uid) {
    JobExecutors base = job == null ? JobExecutors.NONE : job;
    Map<String, String> bound = new HashMap<>(base.nodeByExecutorUid());
    Set<String> pending = new HashSet<>(base.pendingExecutorUids());
    Map<String, Set<String>> flying = new HashMap<>(base.inFlightNodesByUid());
    bound.remove(uid);
    pending.remove(uid);
    flying.remove(uid);
    return new JobExecutors(bound, pending, flying);
  }
}
