package dev.spotpack.sim;

import dev.spotpack.policy.model.PodInfo;
import org.jspecify.annotations.Nullable;

/**
 * A driver or executor. {@code onDemandOnly} is a required node affinity the pod carries from its
 * creation, which kube-scheduler and every autoscaler see: drivers have it, and so do the executors
 * a team without spotpack pins to on-demand to keep a job's spot share.
 */
final class SimPod {
  final String uid;
  final SimJob job;
  final boolean driver;
  final boolean onDemandOnly;
  final long cpu;
  final long memory;
  final int createdMinute;
  @Nullable SimNode node;
  PodInfo info;

  SimPod(String uid, SimJob job, boolean driver, boolean onDemandOnly, long cpu, long memory, PodInfo info,
      int createdMinute) {
    this.uid = uid;
    this.job = job;
    this.driver = driver;
    this.onDemandOnly = onDemandOnly;
    this.cpu = cpu;
    this.memory = memory;
    this.info = info;
    this.createdMinute = createdMinute;
  }

  boolean onSpot() {
    return node != null && node.spot;
  }
}
