package dev.spotpack.cluster;

import dev.spotpack.policy.model.InFlight;
import dev.spotpack.policy.model.JobExecutors;
import dev.spotpack.policy.model.PodInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One job's executors as {@link Indexes} keeps them between snapshots: changed in place on every
 * pod event and filter call, and copied into an immutable {@link JobExecutors} only when a snapshot
 * publishes the job. A job of a few hundred executors is touched several times per scheduled pod
 * (created, in flight, bound, running); copying it on each of those was most of the cost of
 * recording a filter's in-flight assumption.
 *
 * <p>Not thread-safe: {@link Indexes} calls it under {@link ClusterState}'s lock.
 */
final class JobIndex {
  private final Map<String, String> nodeByExecutorUid = new HashMap<>();
  private final Set<String> pendingExecutorUids = new HashSet<>();
  private final Map<String, InFlight> inFlightByUid = new HashMap<>();

  /** Adds or replaces {@code pod}: bound, or pending (possibly {@code inFlight}). */
  void put(PodInfo pod, InFlight inFlight) {
    remove(pod.uid());
    if (pod.isBound()) {
      nodeByExecutorUid.put(pod.uid(), pod.nodeName());
    } else {
      pendingExecutorUids.add(pod.uid());
      if (!inFlight.isEmpty()) {
        inFlightByUid.put(pod.uid(), inFlight);
      }
    }
  }

  void remove(String uid) {
    nodeByExecutorUid.remove(uid);
    pendingExecutorUids.remove(uid);
    inFlightByUid.remove(uid);
  }

  int count() {
    return nodeByExecutorUid.size() + pendingExecutorUids.size();
  }

  /** An immutable copy, for a snapshot. */
  JobExecutors published() {
    return new JobExecutors(nodeByExecutorUid, pendingExecutorUids, inFlightByUid);
  }
}
