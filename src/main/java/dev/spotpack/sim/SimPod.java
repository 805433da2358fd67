package dev.spotpack.sim;

import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.PlacementGate;
import java.util.List;
import java.util.Map;
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

  /** Held by spotpack's placement gate: neither kube-scheduler nor an autoscaler considers it. */
  boolean gated;

  /**
   * How spotpack lifted its gate, or null (never gated, or still gated): the required node affinity
   * terms it added, and whether they keep the pod off spot nodes.
   */
  PlacementGate.@Nullable Release release;

  /** The maxSkew of spotpack's hostname spread hint, or MAX_VALUE without one. */
  int hostnameSpreadCap = Integer.MAX_VALUE;

  SimPod(
      String uid,
      SimJob job,
      boolean driver,
      boolean onDemandOnly,
      long cpu,
      long memory,
      PodInfo info,
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

  /** The required node affinity terms spotpack added when it lifted the gate (none: any node). */
  List<PlacementGate.Term> affinity() {
    return release == null ? List.of() : release.terms();
  }

  boolean pinnedOffSpot() {
    return release != null && !release.spot();
  }

  boolean affinityAllows(Map<String, String> labels) {
    return release == null || PlacementGate.allows(release.terms(), labels);
  }

  boolean onSpot() {
    return node != null && node.spot;
  }
}
