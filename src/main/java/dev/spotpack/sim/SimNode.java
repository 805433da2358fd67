package dev.spotpack.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node of the simulated cluster, from launch to removal. Mutable; one simulation's thread only.
 */
final class SimNode {
  static final int MAX_PODS = 110;

  final String name;
  final Workload.InstanceType type;
  final String zone;
  final boolean spot;
  final int readyAt;
  long cpuRequested;
  long memoryRequested;
  final List<SimPod> pods = new ArrayList<>();
  int emptySince;
  boolean everHeldAPod;

  /** The labels kube-scheduler, spotpack and an autoscaler see on the node; fixed at launch. */
  private final Map<String, String> labels;

  SimNode(String name, Workload.InstanceType type, String zone, boolean spot, int readyAt) {
    this.name = name;
    this.type = type;
    this.zone = zone;
    this.spot = spot;
    this.readyAt = readyAt;
    this.emptySince = readyAt;
    this.labels = labelsOf(spot, type, zone);
  }

  /** The labels a node of this capacity type, instance type and zone carries. */
  static Map<String, String> labelsOf(boolean spot, Workload.InstanceType type, String zone) {
    return Map.of(
        SimCluster.CAPACITY_TYPE,
        spot ? "spot" : "on-demand",
        SimCluster.INSTANCE_TYPE,
        type.name(),
        SimCluster.ZONE,
        zone);
  }

  int executorsOf(SimJob job) {
    int n = 0;
    for (SimPod p : pods) {
      if (!p.driver && p.job == job) {
        n++;
      }
    }
    return n;
  }

  Map<String, String> labels() {
    return labels;
  }

  /** The capacity pool: what one correlated reclaim takes nodes from. */
  String pool() {
    return type.name() + "/" + zone;
  }

  boolean ready(int minute) {
    return readyAt <= minute;
  }

  /** kube-scheduler's resource fit and its own node affinity (drivers and pinned executors). */
  boolean fits(SimPod p) {
    return !((p.onDemandOnly || p.pinnedOffSpot()) && spot)
        && p.affinityAllows(labels)
        && pods.size() < MAX_PODS
        && cpuRequested + p.cpu <= type.cpuMillis()
        && memoryRequested + p.memory <= type.memoryBytes();
  }

  double pricePerMinute() {
    return (spot ? type.spotPerHour() : type.onDemandPerHour()) / 60.0;
  }
}
