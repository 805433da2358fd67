package dev.spotpack.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything measured: billing by the minute, utilisation, losses, the independent cap check and
 * the outcome counts. Mutable; one simulation's thread.
 */
final class Ledger {
  private double spotNodeMinutes;
  private double onDemandNodeMinutes;
  private double spotCpuMinutes;
  private double onDemandCpuMinutes;
  private double cost;
  private int peakNodes;
  private double utilisationSum;
  private int utilisationSamples;
  private int executorsLost;
  private double worstNodeShare;
  private double worstPoolShare;
  private final Map<String, Double> worstPoolShareByProfile = new TreeMap<>();
  private int poolCapViolations;
  private final List<Integer> poolEvents = new ArrayList<>();
  private int capViolations;
  private int jobsFailed;
  private int jobsRetried;
  private long executorPendingMinutes;
  private int nodesLaunched;
  private int nodesNeverUsed;
  private final List<StrategyResult.Sample> timeline = new ArrayList<>();
  // insertion order: the order jobs were first hit, the same on every run of a seed
  private final Map<SimJob, Double> worstLossByJob = new LinkedHashMap<>();
  private final List<StrategyResult.Interruption> interruptions = new ArrayList<>();

  void launched() {
    nodesLaunched++;
  }

  void removed(SimNode n) {
    if (!n.everHeldAPod) {
      nodesNeverUsed++;
    }
  }

  /**
   * The independent cap checks: an executor just placed on a spot node must not make the job's
   * count there exceed max(1, floor(f x N)), nor its count on the spot nodes of the node's pool
   * exceed max(C, floor(p x N)), in the simulator's own arithmetic ({@link JobLimits}).
   */
  void placed(SimPod pod, SimNode n) {
    if (pod.driver || !n.spot) {
      return;
    }
    SimJob job = pod.job;
    int cap = job.limits.perNodeCap(job.size());
    int here = 0;
    for (SimPod p : n.pods) {
      if (p.job == job && !p.driver) {
        here++;
      }
    }
    if (here > cap) {
      capViolations++;
    }
    if (job.executorsInPool(n.pool()) > job.limits.perPoolCap(job.size())) {
      poolCapViolations++;
    }
  }

  /** One node reclaimed: what it took, per job, as part of its event. */
  void reclaimed(int minute, Reclaims.Hit hit, Map<SimJob, Integer> lostByJob) {
    int total = 0;
    double worstJobShare = 0;
    for (Map.Entry<SimJob, Integer> e : lostByJob.entrySet()) {
      Reclaims.Loss loss = hit.event().losses.get(e.getKey());
      total += e.getValue();
      worstJobShare = Math.max(worstJobShare, e.getValue() / (double) Math.max(1, loss.liveBefore));
      // the share of the job's N its event took so far
      double share = loss.lost / (double) Math.max(1, loss.jobSize);
      worstLossByJob.merge(e.getKey(), share, Math::max);
      if (hit.event().isPoolEvent()) {
        worstPoolShare = Math.max(worstPoolShare, share);
        worstPoolShareByProfile.merge(e.getKey().limits.profile(), share, Math::max);
      }
    }
    if (hit.event().isPoolEvent() && !poolEvents.contains(hit.event().id)) {
      poolEvents.add(hit.event().id);
    }
    executorsLost += total;
    interruptions.add(
        new StrategyResult.Interruption(
            minute,
            hit.node().name,
            hit.node().pool(),
            hit.event().id,
            hit.event().isPoolEvent(),
            total,
            worstJobShare));
  }

  void jobFailed() {
    jobsFailed++;
  }

  void jobRetried() {
    jobsRetried++;
  }

  /** The minute's bill and a sample of the cluster, after the minute's scheduling and scaling. */
  void sample(int minute, SimCluster cluster, Iterable<SimJob> activeJobs) {
    int spot = 0;
    int onDemand = 0;
    long cpuAlloc = 0;
    long cpuUsed = 0;
    for (SimNode n : cluster.nodes) {
      double cpus = n.type.cpuMillis() / 1000.0;
      if (n.spot) {
        spot++;
        spotNodeMinutes++;
        spotCpuMinutes += cpus;
      } else {
        onDemand++;
        onDemandNodeMinutes++;
        onDemandCpuMinutes += cpus;
      }
      cost += n.pricePerMinute();
      if (n.ready(minute)) {
        cpuAlloc += n.type.cpuMillis();
        cpuUsed += n.cpuRequested;
      }
    }
    peakNodes = Math.max(peakNodes, spot + onDemand);
    double utilisation = cpuAlloc == 0 ? 0 : cpuUsed / (double) cpuAlloc;
    if (cpuAlloc > 0) {
      utilisationSum += utilisation;
      utilisationSamples++;
    }
    for (SimJob job : activeJobs) {
      if (!job.running || job.executors.isEmpty()) {
        continue;
      }
      Map<SimNode, Integer> perNode = new HashMap<>();
      for (SimPod p : job.executors) {
        if (p.onSpot()) {
          perNode.merge(p.node, 1, Integer::sum);
        }
      }
      // relative to the job's size N, the denominator of its caps: a job scaled down to one
      // executor does not count as "100% on one node"
      int jobSize = job.size();
      for (int count : perNode.values()) {
        worstNodeShare = Math.max(worstNodeShare, count / (double) jobSize);
      }
    }
    int pendingPods = cluster.pending.size();
    for (SimPod p : cluster.pending) {
      if (!p.driver) {
        executorPendingMinutes++;
      }
    }
    timeline.add(new StrategyResult.Sample(minute, spot, onDemand, utilisation, pendingPods, cost));
  }

  StrategyResult result(String name, Jobs jobs) {
    return new StrategyResult(
        name,
        (spotNodeMinutes + onDemandNodeMinutes) / 60.0,
        spotNodeMinutes / 60.0,
        onDemandNodeMinutes / 60.0,
        (spotCpuMinutes + onDemandCpuMinutes) / 60.0,
        spotCpuMinutes / 60.0,
        onDemandCpuMinutes / 60.0,
        cost,
        peakNodes,
        utilisationSamples == 0 ? 0 : utilisationSum / utilisationSamples,
        interruptions.size(),
        poolEvents.size(),
        executorsLost,
        worstNodeShare,
        worstPoolShare,
        worstPoolShareByProfile,
        capViolations,
        poolCapViolations,
        jobsFailed,
        jobsRetried,
        jobs.abandoned(),
        jobs.completed(),
        jobs.unfinished(),
        executorPendingMinutes / 60.0,
        nodesLaunched,
        nodesNeverUsed,
        timeline,
        interruptions,
        worstLossByJob.entrySet().stream()
            .map(e -> new StrategyResult.JobLoss(e.getKey().limits.profile(), e.getValue()))
            .toList());
  }
}
