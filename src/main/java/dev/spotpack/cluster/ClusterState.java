package dev.spotpack.cluster;

import dev.spotpack.policy.model.JobExecutors;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.spot.PodRoles;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/*
 * Design note.
 *
 * Problem: every filter and prioritize call needs, for the pod's job, where its executors are, and
 * for every candidate node, the resources already requested there. Recomputing either from the pod
 * list per request is O(pods) (150,000 in a large cluster); a request must instead read aggregates.
 *
 * Structure: writers (snapshot loader, informer callbacks, bind) update private indexes under this
 * object's monitor, each change O(1) in the cluster size (a job's executor map is copied on write:
 * O(executors of that job)). Readers take an immutable ClusterSnapshot, built lazily from the
 * indexes after a change and cached until the next one, so requests never lock and never see a
 * half-applied change. Building a snapshot copies the node, usage and job maps (O(nodes + jobs)),
 * not the pods.
 *
 * Cost: a burst of changes between two requests costs one snapshot build, not one per change.
 */

/**
 * The single source of cluster facts for decisions. Writers call the mutators; readers call
 * {@link #snapshot()}.
 *
 * <p>Thread-safe: mutators are serialised; {@link #snapshot()} never blocks on a writer for longer
 * than one snapshot build.
 */
public final class ClusterState {
  private final PodRoles roles;

  private final Map<String, NodeInfo> nodes = new HashMap<>();
  private final Map<String, PodInfo> podsByUid = new HashMap<>();
  private final Map<String, String> uidByKey = new HashMap<>();
  private final Map<String, Resources> nonZeroRequested = new HashMap<>();
  private final Map<String, JobExecutors> jobs = new HashMap<>();

  private volatile @Nullable ClusterSnapshot published = ClusterSnapshot.EMPTY;

  public ClusterState(PodRoles roles) {
    this.roles = roles;
  }

  public ClusterSnapshot snapshot() {
    ClusterSnapshot current = published;
    if (current != null) {
      return current;
    }
    synchronized (this) {
      if (published == null) {
        published = new ClusterSnapshot(nodes, nonZeroRequested, jobs);
      }
      return published;
    }
  }

  public synchronized void upsertNode(NodeInfo node) {
    nodes.put(node.name(), node);
    published = null;
  }

  public synchronized void removeNode(String name) {
    if (nodes.remove(name) != null) {
      published = null;
    }
  }

  /** Adds the pod, or replaces the pod with the same uid. */
  public synchronized void upsertPod(PodInfo pod) {
    PodInfo previous = podsByUid.put(pod.uid(), pod);
    if (previous != null) {
      unindex(previous);
    }
    uidByKey.put(pod.key(), pod.uid());
    index(pod);
    published = null;
  }

  /** Adds the pod only if no pod with its uid is known; returns whether it was added. */
  public synchronized boolean addIfAbsent(PodInfo pod) {
    if (podsByUid.containsKey(pod.uid())) {
      return false;
    }
    upsertPod(pod);
    return true;
  }

  public synchronized void removePod(String uid) {
    PodInfo previous = podsByUid.remove(uid);
    if (previous != null) {
      uidByKey.remove(previous.key(), uid);
      unindex(previous);
      published = null;
    }
  }

  public synchronized Optional<PodInfo> pod(String namespace, String name) {
    String uid = uidByKey.get(namespace + "/" + name);
    return uid == null ? Optional.empty() : Optional.ofNullable(podsByUid.get(uid));
  }

  public synchronized int podCount() {
    return podsByUid.size();
  }

  private void index(PodInfo pod) {
    String node = pod.nodeName();
    if (pod.isBound()) {
      nonZeroRequested.merge(node, pod.demand().nonZeroRequested(), Resources::plus);
    }
    activeExecutorJob(pod).ifPresent(job -> jobs.put(job, withExecutor(jobs.get(job), pod)));
  }

  private void unindex(PodInfo pod) {
    String node = pod.nodeName();
    if (pod.isBound()) {
      Resources left = nonZeroRequested.get(node).minus(pod.demand().nonZeroRequested());
      if (left.amounts().values().stream().allMatch(v -> v == 0)) {
        nonZeroRequested.remove(node);
      } else {
        nonZeroRequested.put(node, left);
      }
    }
    activeExecutorJob(pod)
        .ifPresent(
            job -> {
              JobExecutors rest = withoutExecutor(jobs.get(job), pod.uid());
              if (rest.count() == 0) {
                jobs.remove(job);
              } else {
                jobs.put(job, rest);
              }
            });
  }

  private Optional<String> activeExecutorJob(PodInfo pod) {
    return roles.isActiveExecutor(pod.labels()) ? roles.jobOf(pod.labels()) : Optional.empty();
  }

  private static JobExecutors withExecutor(@Nullable JobExecutors job, PodInfo pod) {
    JobExecutors base = job == null ? JobExecutors.NONE : job;
    Map<String, String> bound = new HashMap<>(base.nodeByExecutorUid());
    Set<String> pending = new HashSet<>(base.pendingExecutorUids());
    if (pod.isBound()) {
      bound.put(pod.uid(), pod.nodeName());
    } else {
      pending.add(pod.uid());
    }
    return new JobExecutors(bound, pending);
  }

  private static JobExecutors withoutExecutor(@Nullable JobExecutors job, String uid) {
    JobExecutors base = job == null ? JobExecutors.NONE : job;
    Map<String, String> bound = new HashMap<>(base.nodeByExecutorUid());
    Set<String> pending = new HashSet<>(base.pendingExecutorUids());
    bound.remove(uid);
    pending.remove(uid);
    return new JobExecutors(bound, pending);
  }
}
