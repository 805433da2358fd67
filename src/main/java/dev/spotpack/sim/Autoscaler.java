package dev.spotpack.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Karpenter-like provisioning and scale-down, the same model for every strategy.
 *
 * <p>Pods still pending after the pass are first packed into nodes already launching, the rest
 * bin-packed (first fit, in queue order) onto new nodes of the largest type; each new node then gets
 * the cheapest type that holds what was packed on it, in the zone with the fewest nodes of its
 * capacity type. What a pod gets is what it can use: on-demand for a driver or a pod pinned to
 * on-demand; for an executor, what the strategy's rules allow ({@link SpotRules#launchFor}: with
 * spotpack, spot within the job's per-node cap, on-demand beyond its spot share).
 *
 * <p>With {@code seesExtender} false (Karpenter and Cluster Autoscaler as they are) the autoscaler
 * knows only the pod's own constraints: it launches only for a pod that fits no ready node by them,
 * and launches spot for any executor not pinned to on-demand, whatever an extender would say.
 */
final class Autoscaler {
  private final Workload workload;
  private final SimCluster cluster;
  private final SpotRules rules;
  private final Ledger ledger;
  private final Workload.InstanceType largest;

  Autoscaler(Workload workload, SimCluster cluster, SpotRules rules, Ledger ledger) {
    this.workload = workload;
    this.cluster = cluster;
    this.rules = rules;
    this.ledger = ledger;
    this.largest = workload.instanceTypes().stream()
        .max(Comparator.comparingLong(Workload.InstanceType::cpuMillis)).orElseThrow();
  }

  /** A node being planned or launching: what the autoscaler expects to put on it. */
  private static final class Planned {
    final boolean spot;
    final long cpuCapacity;
    final long memoryCapacity;
    long cpu;
    long memory;
    final Map<SimJob, Integer> executorsByJob = new HashMap<>();

    Planned(boolean spot, long cpuCapacity, long memoryCapacity) {
      this.spot = spot;
      this.cpuCapacity = cpuCapacity;
      this.memoryCapacity = memoryCapacity;
    }

    boolean takes(SimPod pod, SpotRules.Launch launch) {
      return spot == launch.spot() && cpu + pod.cpu <= cpuCapacity && memory + pod.memory <= memoryCapacity
          && (pod.driver || executorsByJob.getOrDefault(pod.job, 0) + 1 <= launch.perNodeCap());
    }

    void add(SimPod pod) {
      cpu += pod.cpu;
      memory += pod.memory;
      if (!pod.driver) {
        executorsByJob.merge(pod.job, 1, Integer::sum);
      }
    }
  }

  void provision(int minute) {
    if (cluster.pending.isEmpty()) {
      return;
    }
    List<Planned> launching = new ArrayList<>();
    for (SimNode n : cluster.nodes) {
      if (!n.ready(minute)) {
        Planned p = new Planned(n.spot, n.type.cpuMillis(), n.type.memoryBytes());
        p.cpu = n.cpuRequested;
        p.memory = n.memoryRequested;
        launching.add(p);
      }
    }
    List<Planned> fresh = new ArrayList<>();
    Map<SimJob, Integer> plannedOnSpot = new HashMap<>();
    boolean knowsRules = workload.autoscaler().seesExtender();
    for (SimPod pod : cluster.pending) {
      if (!knowsRules && fitsAReadyNode(pod, minute)) {
        continue; // it simulates the pod's own constraints only: it believes this pod can be placed
      }
      SpotRules.Launch launch = launchFor(pod, knowsRules, plannedOnSpot);
      if (!packInto(launching, pod, launch) && !packInto(fresh, pod, launch)) {
        Planned p = new Planned(launch.spot(), largest.cpuMillis(), largest.memoryBytes());
        fresh.add(p);
        if (!p.takes(pod, launch)) {
          throw new IllegalArgumentException("no instance type fits a pod of job " + pod.job.spec.name());
        }
        p.add(pod);
      }
      if (launch.spot() && !pod.driver) {
        plannedOnSpot.merge(pod.job, 1, Integer::sum);
      }
    }
    for (Planned p : fresh) {
      launch(p, minute);
    }
  }

  private SpotRules.Launch launchFor(SimPod pod, boolean knowsRules, Map<SimJob, Integer> plannedOnSpot) {
    if (pod.driver || pod.onDemandOnly) {
      return SpotRules.Launch.ON_DEMAND;
    }
    return knowsRules ? rules.launchFor(pod, plannedOnSpot.getOrDefault(pod.job, 0)) : SpotRules.Launch.SPOT;
  }

  private boolean fitsAReadyNode(SimPod pod, int minute) {
    for (SimNode n : cluster.nodes) {
      if (n.ready(minute) && n.fits(pod)) {
        return true;
      }
    }
    return false;
  }

  private static boolean packInto(List<Planned> planned, SimPod pod, SpotRules.Launch launch) {
    for (Planned p : planned) {
      if (p.takes(pod, launch)) {
        p.add(pod);
        return true;
      }
    }
    return false;
  }

  private void launch(Planned p, int minute) {
    Workload.InstanceType type = workload.instanceTypes().stream()
        .filter(t -> t.cpuMillis() >= p.cpu && t.memoryBytes() >= p.memory)
        .min(Comparator.comparingDouble((Workload.InstanceType t) -> p.spot ? t.spotPerHour() : t.onDemandPerHour()))
        .orElse(largest);
    SimNode n = cluster.launch(type, leastUsedZone(p.spot), p.spot,
        minute + workload.autoscaler().provisioningDelayMinutes());
    ledger.launched();
    if (n.ready(minute)) {
      cluster.ready(n);
    }
  }

  /** The zone with the fewest nodes of this capacity type; ties to the first zone listed. */
  private String leastUsedZone(boolean spot) {
    Map<String, Integer> count = new HashMap<>();
    for (SimNode n : cluster.nodes) {
      if (n.spot == spot) {
        count.merge(n.zone, 1, Integer::sum);
      }
    }
    String best = workload.zones().get(0);
    for (String zone : workload.zones()) {
      if (count.getOrDefault(zone, 0) < count.getOrDefault(best, 0)) {
        best = zone;
      }
    }
    return best;
  }

  /** Removes nodes that have been empty for the workload's time to live. */
  void scaleDown(int minute) {
    for (SimNode n : List.copyOf(cluster.nodes)) {
      if (!n.ready(minute)) {
        continue;
      }
      if (!n.pods.isEmpty()) {
        n.emptySince = minute + 1;
      } else if (minute + 1 - n.emptySince >= workload.autoscaler().emptyNodeTtlMinutes()) {
        cluster.removeNode(n);
        ledger.removed(n);
      }
    }
  }
}
