package dev.spotpack.cluster;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.spotpack.policy.model.InFlight;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.PodRoles;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The single source of cluster facts for decisions. Writers (snapshot loader, informer handlers,
 * binders, verbs observing pods) call the mutators; readers call {@link #snapshot()}. Two layers
 * per pod uid: the informer's truth and spotpack's {@link Assumptions}; the effective pod is the
 * informer's if it is bound, else the assumed placement, else whichever layer knows it, so a stale
 * update cannot undo a placement. Why, and what it costs: docs/architecture.md, "The cluster
 * state".
 *
 * <p>Thread-safe: mutators are serialised on this object; {@link #snapshot()} locks only to build a
 * new snapshot after a change.
 */
public final class ClusterState {
  private static final long SWEEP_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

  /** What the indexes hold for a pod: its effective state and the nodes it may be in flight to. */
  private record Indexed(PodInfo pod, InFlight inFlight) {}

  private final Ticker ticker;
  private final PodCompaction compaction;

  private final Map<String, NodeInfo> nodes = new HashMap<>();
  private final Map<String, PodInfo> informerPods = new HashMap<>();
  private final Assumptions assumptions;
  private final Map<String, Indexed> effective = new HashMap<>();
  private final Map<String, String> uidByKey = new HashMap<>();
  private final Indexes indexes;
  private final PendingPods pending = new PendingPods();
  private boolean nodesChanged; // since the last snapshot

  private volatile @Nullable ClusterSnapshot published = ClusterSnapshot.EMPTY;

  /** The last snapshot's node names while no node changed since it; null once one did. */
  private volatile @Nullable Set<String> nodeNames = ClusterSnapshot.EMPTY.nodeNames();

  private volatile long lastSweepNanos;

  /** A state for snapshot mode: binds are truth, nothing expires. */
  public ClusterState(PodRoles roles) {
    this(roles, Ticker.systemTicker(), Duration.ofMinutes(2), AssumptionListener.NONE);
  }

  /**
   * @param assumptionTtl how long an unconfirmed placement or observed pod counts; zero records
   *     none, and every decision waits for the informer
   */
  public ClusterState(
      PodRoles roles, Ticker ticker, Duration assumptionTtl, AssumptionListener listener) {
    this.ticker = ticker;
    this.compaction = new PodCompaction(roles.labelKeys());
    this.indexes = new Indexes(roles);
    this.assumptions = new Assumptions(ticker, assumptionTtl, listener, this::reindexEnded);
    this.lastSweepNanos = ticker.read();
  }

  public ClusterSnapshot snapshot() {
    long now = ticker.read();
    if (now - lastSweepNanos >= SWEEP_INTERVAL_NANOS) {
      synchronized (this) {
        lastSweepNanos = now;
        assumptions.sweep();
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
    ClusterSnapshot next = indexes.snapshot(nodes, nodesChanged);
    nodesChanged = false;
    nodeNames = next.nodeNames();
    return next;
  }

  /**
   * The cluster's node names, as {@code snapshot().nodeNames()}, without building a snapshot when
   * only pods changed since the last one: a filter call records its pod in flight before its answer
   * is written, and the answer needs the names, not the pods.
   */
  public Set<String> nodeNames() {
    Set<String> names = nodeNames;
    return names != null ? names : snapshot().nodeNames();
  }

  /**
   * Adds or replaces the node; an update that changes nothing spotpack reads is a no-op.
   *
   * <p>A node keeps the name instance it was first added with, the one the node map is keyed by:
   * the name table reads requests' names as those instances, and pods on the node share it ({@link
   * PodCompaction}), so lookups by name end at an identity check instead of comparing the bytes. An
   * update's object (a new string each time the informer decodes the node) would otherwise bring a
   * new instance with every change, and an equal one would drop what the node had cached ({@link
   * NodeInfo#derived}).
   */
  public synchronized void upsertNode(NodeInfo node) {
    NodeInfo previous = nodes.get(node.name());
    if (node.equals(previous)) {
      return;
    }
    nodes.put(
        node.name(),
        previous == null || previous.name() == node.name()
            ? node
            : new NodeInfo(previous.name(), node.labels(), node.allocatable()));
    nodesChanged = true;
    nodeNames = null;
    published = null;
  }

  public synchronized void removeNode(String name) {
    if (nodes.remove(name) != null) {
      nodesChanged = true;
      nodeNames = null;
      published = null;
    }
  }

  /**
   * As {@link #upsertPod(PodInfo)}, for a pod the informer read at {@code resourceVersion}: while
   * it is unbound, {@link #pendingPod} finds it by that version.
   */
  public synchronized void upsertPod(PodInfo pod, String resourceVersion) {
    pending.read(upsertPod(pod), resourceVersion);
  }

  /**
   * The pod as the API server (or the snapshot file) shows it; replaces the same uid. Returns the
   * pod as kept.
   */
  public synchronized PodInfo upsertPod(PodInfo pod) {
    PodInfo compact = compact(pod);
    PodInfo previous = informerPods.put(compact.uid(), compact);
    if (previous != null && !previous.key().equals(compact.key())) {
      uidByKey.remove(previous.key(), compact.uid());
    }
    if (compact.isBound()) {
      assumptions.confirmed(compact);
    }
    reindex(compact.uid());
    return compact;
  }

  /**
   * The unbound pod with this uid as the informer last read it, if that was at {@code
   * resourceVersion}; null otherwise. Not serialised with the mutators: an answer is the pod at
   * that version, whenever it was read.
   */
  public @Nullable PodInfo pendingPod(String uid, String resourceVersion) {
    return pending.get(uid, resourceVersion);
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
    pending.forget(uid);
    informerPods.remove(uid);
    assumptions.forget(uid);
    reindex(uid);
  }

  /** For a deletion known only by namespace and name (an informer relist). */
  public synchronized void removePod(String namespace, String name) {
    String uid = uidByKey.get(namespace + "/" + name);
    if (uid != null) {
      removePod(uid);
    }
  }

  /**
   * A pod seen in a filter or prioritize call. If neither layer knows it, it becomes a known
   * pending pod (it counts in its job's size and can be bound) until the informer reports it or its
   * time-to-live ends. Returns whether it was new.
   */
  public synchronized boolean observe(PodInfo pod) {
    if (informerPods.containsKey(pod.uid()) || assumptions.get(pod.uid()) != null) {
      return false;
    }
    assumptions.seen(compact(pod.boundTo(null)));
    reindex(pod.uid());
    return true;
  }

  /** What a filter call learnt, in one write: {@link #observe} and {@link #inFlight}. */
  public synchronized void filtered(PodInfo pod, InFlight inFlight) {
    observe(pod);
    inFlight(pod, inFlight);
  }

  /**
   * Records that spotpack's filter let the pending pod onto {@code inFlight}'s nodes (the spot
   * nodes its caps counted it against): until its bind arrives it counts on each of them and once
   * in each of their pools. Replaces an earlier in-flight record of the same pod (a re-filter);
   * ignored once the pod is bound.
   */
  public synchronized void inFlight(PodInfo pod, InFlight inFlight) {
    if (inFlight.isEmpty()) {
      return;
    }
    PodInfo informer = informerPods.get(pod.uid());
    Assumptions.Assumed existing = assumptions.get(pod.uid());
    if ((informer != null && informer.isBound()) || (existing != null && existing.node() != null)) {
      return;
    }
    assumptions.inFlight(informer != null ? informer : compact(pod.boundTo(null)), inFlight);
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
    PodInfo informer = informerPods.get(uid);
    if (informer != null && informer.isBound()) {
      return true;
    }
    assumptions.bound(indexed.pod().boundTo(null), node);
    reindex(uid);
    return true;
  }

  /**
   * Undoes {@link #assumeBound} of the pod to {@code node} when that bind failed: what the informer
   * shows of the pod holds again, or, for a pod only seen in a filter call, it is pending (neither
   * placed nor in flight).
   */
  public synchronized void bindFailed(String uid, String node) {
    Assumptions.Assumed assumed = assumptions.get(uid);
    if (assumed == null || !node.equals(assumed.node())) {
      return;
    }
    if (informerPods.containsKey(uid)) {
      assumptions.forget(uid);
    } else {
      assumptions.seen(assumed.pod());
    }
    reindex(uid);
  }

  /**
   * Binds a known, unbound pod in snapshot mode, where what the verbs record is the truth: the
   * checks and the record under one lock. Binding again to the same node is {@code BOUND}, so a
   * retried bind does not count twice.
   */
  public synchronized SnapshotBinding bindInSnapshot(
      String namespace, String name, String uid, String node) {
    PodInfo pod = pod(namespace, name).orElse(null);
    SnapshotBinding.Outcome outcome;
    if (pod == null) {
      outcome = SnapshotBinding.Outcome.UNKNOWN_POD;
    } else if (!uid.isEmpty() && !uid.equals(pod.uid())) {
      outcome = SnapshotBinding.Outcome.OTHER_UID;
    } else if (!nodes.containsKey(node)) {
      outcome = SnapshotBinding.Outcome.UNKNOWN_NODE;
    } else if (pod.isBound() && !node.equals(pod.nodeName())) {
      outcome = SnapshotBinding.Outcome.BOUND_ELSEWHERE;
    } else {
      if (!pod.isBound()) {
        upsertPod(pod.boundTo(node));
      }
      outcome = SnapshotBinding.Outcome.BOUND;
    }
    return new SnapshotBinding(outcome, pod);
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
    return assumptions.size();
  }

  /** A record that ended by time or by the bound on records: the pod counts as it is known. */
  private synchronized void reindexEnded(String uid) {
    reindex(uid);
  }

  private @Nullable Indexed effectiveOf(String uid) {
    PodInfo informer = informerPods.get(uid);
    if (informer != null && informer.isBound()) {
      return new Indexed(informer, InFlight.NONE);
    }
    Assumptions.Assumed assumed = assumptions.get(uid);
    if (assumed != null && assumed.node() != null) {
      return new Indexed(
          (informer != null ? informer : assumed.pod()).boundTo(assumed.node()), InFlight.NONE);
    }
    InFlight inFlight = assumed == null ? InFlight.NONE : assumed.inFlight();
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
      indexes.remove(before.pod());
      effective.remove(uid);
      uidByKey.remove(before.pod().key(), uid);
    }
    if (after != null) {
      effective.put(uid, after);
      uidByKey.put(after.pod().key(), uid);
      indexes.add(after.pod(), after.inFlight());
    }
    published = null;
  }

  private PodInfo compact(PodInfo pod) {
    return compaction.compact(pod, nodes);
  }
}
