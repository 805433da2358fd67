package dev.spotpack.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Karpenter-like provisioning and scale-down, the same model for every strategy.
 *
 * <p>Pods still pending after the pass are first packed into nodes already launching, the rest
 * bin-packed (first fit, in queue order) onto new nodes of the largest type; each new node then
 * gets the cheapest type that holds what was packed on it, in the zone with the fewest nodes of its
 * capacity type where the jobs on it stay within their pool caps. What a pod gets is what it can
 * use: on-demand for a driver or a pod pinned to on-demand; for an executor, what the strategy's
 * rules allow ({@link SpotRules#launchFor}: with spotpack, spot within the job's per-node cap,
 * on-demand beyond its spot share).
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
    this.largest =
        workload.instanceTypes().stream()
            .max(Comparator.comparingLong(Workload.InstanceType::cpuMillis))
            .orElseThrow();
  }

  /**
   * A node being planned or launching: what the autoscaler expects to put on it. A launching node
   * has its pool; a planned one gets it at launch.
   */
  private static final class Planned {
    final boolean spot;
    final long cpuCapacity;
    final long memoryCapacity;
    @Nullable String pool;
    long cpu;
    long memory;
    final Map<SimJob, Integer> executorsByJob = new HashMap<>();
    final Map<SimJob, Integer> poolCapByJob = new HashMap<>();

    /**
     * The pods planned here that carry a node affinity of spotpack's, which the launch must
     * satisfy.
     */
    final List<SimPod> withAffinity = new ArrayList<>();

    /** The labels of a node already launching; null for one still planned. */
    final @Nullable Map<String, String> labels;

    Planned(
        boolean spot,
        long cpuCapacity,
        long memoryCapacity,
        @Nullable String pool,
        @Nullable Map<String, String> labels) {
      this.spot = spot;
      this.cpuCapacity = cpuCapacity;
      this.memoryCapacity = memoryCapacity;
      this.pool = pool;
      this.labels = labels;
    }

    boolean fits(SimPod pod, SpotRules.Launch launch) {
      return spot == launch.spot()
          && cpu + pod.cpu <= cpuCapacity
          && memory + pod.memory <= memoryCapacity
          && (pod.driver || executorsByJob.getOrDefault(pod.job, 0) + 1 <= launch.perNodeCap())
          && (labels == null || pod.affinityAllows(labels));
    }

    void add(SimPod pod, SpotRules.Launch launch) {
      if (!pod.affinity().isEmpty()) {
        withAffinity.add(pod);
      }
      cpu += pod.cpu;
      memory += pod.memory;
      if (!pod.driver) {
        executorsByJob.merge(pod.job, 1, Integer::sum);
        poolCapByJob.merge(pod.job, launch.perPoolCap(), Math::min);
      }
    }
  }

  /**
   * What one provisioning pass has planned per job and pool, so that pool caps hold across nodes.
   */
  private static final class PoolPlan {
    private final Map<SimJob, Map<String, Integer>> byJob = new HashMap<>();

    /** Executors planned on fresh spot nodes, whose pool is chosen at launch. */
    private final Map<SimJob, Integer> unassigned = new HashMap<>();

    int planned(SimJob job, String pool) {
      return byJob.getOrDefault(job, Map.of()).getOrDefault(pool, 0);
    }

    void add(SimJob job, String pool, int count) {
      byJob.computeIfAbsent(job, j -> new HashMap<>()).merge(pool, count, Integer::sum);
    }

    void addUnassigned(SimJob job) {
      unassigned.merge(job, 1, Integer::sum);
    }

    void assign(SimJob job, String pool, int count) {
      unassigned.merge(job, -count, Integer::sum);
      add(job, pool, count);
    }

    int unassigned(SimJob job) {
      return unassigned.getOrDefault(job, 0);
    }

    /** Whether {@code extra} more executors of the job fit in the pool under {@code cap}. */
    boolean room(SimJob job, String pool, int extra, int cap) {
      return job.executorsInPool(pool) + planned(job, pool) + extra <= cap;
    }
  }

  void provision(int minute) {
    if (cluster.pending.isEmpty()) {
      return;
    }
    List<Planned> launching = new ArrayList<>();
    for (SimNode n : cluster.nodes) {
      if (!n.ready(minute)) {
        Planned p =
            new Planned(
                n.spot,
                n.type.cpuMillis(),
                n.type.memoryBytes(),
                n.spot ? n.pool() : null,
                n.labels());
        p.cpu = n.cpuRequested;
        p.memory = n.memoryRequested;
        launching.add(p);
      }
    }
    List<Planned> fresh = new ArrayList<>();
    Map<SimJob, Integer> plannedOnSpot = new HashMap<>();
    PoolPlan pools = new PoolPlan();
    boolean knowsRules = workload.autoscaler().seesExtender();
    for (SimPod pod : cluster.pending) {
      if (pod.gated) {
        continue; // a gated pod is invisible to autoscalers until its gate is lifted
      }
      if (!knowsRules && fitsAReadyNode(pod, minute)) {
        continue; // it simulates the pod's own constraints only: it believes this pod can be placed
      }
      SpotRules.Launch launch = launchFor(pod, knowsRules, plannedOnSpot);
      if (launch.spot() && !pod.driver && !spotPoolHasRoom(pod, launch, pools)) {
        launch = SpotRules.Launch.ON_DEMAND; // every pool it could use is at the job's pool cap
      }
      if (!packIntoLaunching(launching, pod, launch, pools)) {
        if (!packInto(fresh, pod, launch)) {
          Planned p =
              new Planned(launch.spot(), largest.cpuMillis(), largest.memoryBytes(), null, null);
          fresh.add(p);
          if (!p.fits(pod, launch)) {
            throw new IllegalArgumentException(
                "no instance type fits a pod of job " + pod.job.spec.name());
          }
          p.add(pod, launch);
        }
        if (launch.spot() && !pod.driver) {
          pools.addUnassigned(pod.job);
        }
      }
      if (launch.spot() && !pod.driver) {
        plannedOnSpot.merge(pod.job, 1, Integer::sum);
      }
    }
    for (Planned p : fresh) {
      launch(p, minute, pools);
    }
  }

  private SpotRules.Launch launchFor(
      SimPod pod, boolean knowsRules, Map<SimJob, Integer> plannedOnSpot) {
    if (pod.driver || pod.onDemandOnly || pod.pinnedOffSpot()) {
      return SpotRules.Launch.ON_DEMAND;
    }
    if (knowsRules) {
      return rules.launchFor(pod, plannedOnSpot.getOrDefault(pod.job, 0));
    }
    // what the pod's own constraints say: spotpack's hostname spread hint, if it has one
    return new SpotRules.Launch(true, pod.hostnameSpreadCap, Integer.MAX_VALUE);
  }

  /**
   * Whether the pod fits a ready node by its own constraints: resources, node affinity, and a
   * hostname spread (a node holding maxSkew of the job refuses it while a new node, holding none,
   * could be launched).
   */
  private boolean fitsAReadyNode(SimPod pod, int minute) {
    for (SimNode n : cluster.nodes) {
      if (n.ready(minute)
          && n.fits(pod)
          && (pod.hostnameSpreadCap == Integer.MAX_VALUE
              || n.executorsOf(pod.job) + 1 <= pod.hostnameSpreadCap)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether some pool the executor could land in (an instance type that holds it, in any zone) has
   * room for it under the job's pool cap, after what this pass has planned for the job.
   */
  private boolean spotPoolHasRoom(SimPod pod, SpotRules.Launch launch, PoolPlan pools) {
    if (launch.perPoolCap() == Integer.MAX_VALUE) {
      return true;
    }
    int room = 0;
    for (Workload.InstanceType type : workload.instanceTypes()) {
      if (type.cpuMillis() < pod.cpu || type.memoryBytes() < pod.memory) {
        continue;
      }
      for (String zone : workload.zones()) {
        String pool = type.name() + "/" + zone;
        room +=
            Math.max(
                0,
                launch.perPoolCap() - pod.job.executorsInPool(pool) - pools.planned(pod.job, pool));
      }
    }
    return room >= pools.unassigned(pod.job) + 1;
  }

  /** Into a node already launching, whose pool is known: only where the job's pool has room. */
  private static boolean packIntoLaunching(
      List<Planned> planned, SimPod pod, SpotRules.Launch launch, PoolPlan pools) {
    for (Planned p : planned) {
      boolean poolRoom =
          pod.driver || p.pool == null || pools.room(pod.job, p.pool, 1, launch.perPoolCap());
      if (poolRoom && p.fits(pod, launch)) {
        p.add(pod, launch);
        if (!pod.driver && p.pool != null) {
          pools.add(pod.job, p.pool, 1);
        }
        return true;
      }
    }
    return false;
  }

  private static boolean packInto(List<Planned> planned, SimPod pod, SpotRules.Launch launch) {
    for (Planned p : planned) {
      if (p.fits(pod, launch)) {
        p.add(pod, launch);
        return true;
      }
    }
    return false;
  }

  private void launch(Planned p, int minute, PoolPlan pools) {
    List<Workload.InstanceType> byPrice =
        workload.instanceTypes().stream()
            .filter(t -> t.cpuMillis() >= p.cpu && t.memoryBytes() >= p.memory)
            .sorted(
                Comparator.comparingDouble(
                    (Workload.InstanceType t) -> p.spot ? t.spotPerHour() : t.onDemandPerHour()))
            .toList();
    Workload.InstanceType type = byPrice.isEmpty() ? largest : byPrice.get(0);
    String zone = zoneFor(p, type, pools);
    if (!p.withAffinity.isEmpty() && !allowed(p, type, zone)) {
      // the cheapest type and zone whose labels every pod's node affinity allows, as Karpenter
      // picks
      search:
      for (Workload.InstanceType t : byPrice) {
        for (String z : workload.zones()) {
          if (allowed(p, t, z)) {
            type = t;
            zone = z;
            break search;
          }
        }
      }
    }
    SimNode n =
        cluster.launch(
            type, zone, p.spot, minute + workload.autoscaler().provisioningDelayMinutes());
    if (p.spot) {
      p.executorsByJob.forEach((job, count) -> pools.assign(job, n.pool(), count));
    }
    ledger.launched();
    if (n.ready(minute)) {
      cluster.ready(n);
    }
  }

  private static boolean allowed(Planned p, Workload.InstanceType type, String zone) {
    Map<String, String> labels = SimNode.labelsOf(p.spot, type, zone);
    return p.withAffinity.stream().allMatch(pod -> pod.affinityAllows(labels));
  }

  /**
   * The zone with the fewest nodes of this capacity type (ties to the first listed) among those
   * where every job planned on a spot node stays within its pool cap; the fewest-nodes zone when
   * none does (the pods then wait, as they would).
   */
  private String zoneFor(Planned p, Workload.InstanceType type, PoolPlan pools) {
    Map<String, Integer> count = new HashMap<>();
    for (SimNode n : cluster.nodes) {
      if (n.spot == p.spot) {
        count.merge(n.zone, 1, Integer::sum);
      }
    }
    List<String> byUse = new ArrayList<>(workload.zones());
    byUse.sort(Comparator.comparingInt((String z) -> count.getOrDefault(z, 0)));
    if (!p.spot) {
      return byUse.get(0);
    }
    for (String zone : byUse) {
      String pool = type.name() + "/" + zone;
      boolean room = true;
      for (Map.Entry<SimJob, Integer> e : p.executorsByJob.entrySet()) {
        room &= pools.room(e.getKey(), pool, e.getValue(), p.poolCapByJob.get(e.getKey()));
      }
      if (room) {
        return zone;
      }
    }
    return byUse.get(0);
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
