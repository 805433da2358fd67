package dev.spotpack.cluster;

import dev.spotpack.policy.model.InFlight;
import dev.spotpack.policy.model.JobExecutors;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.spot.PodRoles;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The aggregates requests read instead of the pod list: per node, the resources its effective pods
 * request; per job, where its active executors are (and where they may be in flight); per job, the
 * {@code spotpack.dev/} annotations its executors carry. Each pod change updates them in O(1) in
 * the cluster size, and the next snapshot copies only what changed since the last one (a changed
 * job's executors: O(its changes), amortized; {@link JobExecutors}).
 *
 * <p>Not thread-safe: {@link ClusterState} calls it under its own lock.
 */
final class Indexes {
  private final PodRoles roles;
  private final Map<String, Resources> nonZeroRequested = new HashMap<>();
  private final Map<String, JobExecutors.Writer> jobs = new HashMap<>();
  // the published form of each job, refreshed for the changed ones at each snapshot
  private final Map<String, JobExecutors> publishedJobs = new HashMap<>();
  private final Map<String, Map<String, String>> jobAnnotations = new HashMap<>();

  // what changed since the last snapshot, so that the next one copies only that
  private final Set<String> changedRequested = new HashSet<>();
  private final Set<String> changedJobs = new HashSet<>();
  private boolean jobAnnotationsChanged;
  private ClusterSnapshot last = ClusterSnapshot.EMPTY;

  Indexes(PodRoles roles) {
    this.roles = roles;
  }

  /** Counts an effective pod, on the nodes it may be in flight to too. */
  void add(PodInfo pod, InFlight inFlight) {
    if (pod.isBound()) {
      nonZeroRequested.merge(pod.nodeName(), pod.demand().nonZeroRequested(), Resources::plus);
      changedRequested.add(pod.nodeName());
    }
    activeExecutorJob(pod)
        .ifPresent(
            job -> {
              jobs.computeIfAbsent(job, j -> new JobExecutors.Writer())
                  .put(pod.uid(), pod.isBound() ? pod.nodeName() : null, inFlight);
              changedJobs.add(job);
              Map<String, String> spotAnnotations = pod.annotations();
              if (!spotAnnotations.isEmpty()
                  && !spotAnnotations.equals(jobAnnotations.put(job, spotAnnotations))) {
                jobAnnotationsChanged = true;
              }
            });
  }

  /** Stops counting a pod {@link #add}ed before. */
  void remove(PodInfo pod) {
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
              JobExecutors.Writer rest = jobs.get(job);
              if (rest == null) {
                return;
              }
              rest.remove(pod.uid());
              changedJobs.add(job);
              if (rest.count() == 0) {
                jobs.remove(job);
                if (jobAnnotations.remove(job) != null) {
                  jobAnnotationsChanged = true;
                }
              }
            });
  }

  /**
   * The next snapshot: {@code nodes} copied only if {@code nodesChanged}, the indexes layered over
   * the last snapshot's with only what changed since.
   */
  ClusterSnapshot snapshot(Map<String, NodeInfo> nodes, boolean nodesChanged) {
    for (String job : changedJobs) {
      JobExecutors.Writer executors = jobs.get(job);
      if (executors == null) {
        publishedJobs.remove(job);
      } else {
        publishedJobs.put(job, executors.publish());
      }
    }
    ClusterSnapshot next =
        new ClusterSnapshot(
            // a HashMap, not Map.copyOf: every filter call looks up each candidate name, and
            // Map.copyOf's table compares every key it probes past in full, where HashMap first
            // compares the cached hashes (LoopBenchmark: 48.5 -> 39.0 us per executor)
            nodesChanged ? Collections.unmodifiableMap(new HashMap<>(nodes)) : last.nodes(),
            changedRequested.isEmpty()
                ? last.nonZeroRequested()
                : last.nonZeroRequested().with(changedRequested, nonZeroRequested),
            changedJobs.isEmpty() ? last.jobs() : last.jobs().with(changedJobs, publishedJobs),
            jobAnnotationsChanged ? Map.copyOf(jobAnnotations) : last.jobAnnotations());
    jobAnnotationsChanged = false;
    changedRequested.clear();
    changedJobs.clear();
    last = next;
    return next;
  }

  private Optional<String> activeExecutorJob(PodInfo pod) {
    return roles.isActiveExecutor(pod.labels()) ? roles.jobOf(pod.labels()) : Optional.empty();
  }
}
