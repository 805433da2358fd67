package dev.spotpack.sim;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one strategy did with the workload.
 *
 * @param nodeHours node time billed (from launch to removal), spot plus on-demand
 * @param cpuHours node capacity billed: each node's cpus times its billed time, spot plus
 *     on-demand; what cost follows, where node-hours count an 8-cpu node like a 32-cpu one
 * @param cost node time times the instance type's hourly price for its capacity type, in dollars
 * @param meanCpuUtilization time-average of requested cpu over allocatable cpu of ready nodes
 * @param spotInterruptions spot nodes reclaimed, by either kind of event
 * @param poolReclaims pool events (several nodes of one instance type in one zone within minutes)
 * @param executorsLost executors on spot nodes when those were reclaimed
 * @param worstSpotNodeLossFraction the largest share of one job ever on a single spot node, as a
 *     fraction of the job's size N = max(declared size, live executors), the denominator of its
 *     caps: the most one single-node reclaim could have taken from a job
 * @param worstSpotPoolLossFraction the largest share of one job's executors (of its N when first
 *     hit) that one pool event took
 * @param worstSpotPoolLossFractionByProfile the same per profile (profiles with a job a pool event
 *     hit)
 * @param capViolations placements that put more of a job's executors on one spot node than its cap
 *     max(1, floor(f x N)) at that moment (checked independently of spotpack's code)
 * @param poolCapViolations placements that put more of a job's executors on the spot nodes of one
 *     pool than its pool cap max(C, floor(p x N)) at that moment (checked the same way)
 * @param jobsFailed failed attempts: a job that lost more than the workload's failure share in one
 *     reclaim event (each retry that fails again counts again)
 * @param jobsRetried failed attempts that were submitted again
 * @param jobsAbandoned jobs whose last allowed attempt failed
 * @param jobsCompleted jobs that finished; completed + abandoned + unfinished = the workload's jobs
 * @param executorPendingHours executor time spent pending (waiting for a node or for room)
 * @param nodesLaunched nodes the autoscaler launched
 * @param nodesNeverUsed launched nodes removed without ever holding a pod: capacity launched for
 *     pods that could not use it
 * @param timeline one sample per simulated minute, for the report's charts
 * @param interruptions each reclaimed node, with the executors it took
 * @param jobLosses for each job a reclaim hit, the largest share of its executors (of its N) one
 *     reclaim event took, with its profile: the distribution the report draws
 *     <p>Immutable.
 */
public record StrategyResult(
    String name,
    double nodeHours,
    double spotNodeHours,
    double onDemandNodeHours,
    double cpuHours,
    double spotCpuHours,
    double onDemandCpuHours,
    double cost,
    int peakNodes,
    double meanCpuUtilization,
    int spotInterruptions,
    int poolReclaims,
    int executorsLost,
    double worstSpotNodeLossFraction,
    double worstSpotPoolLossFraction,
    Map<String, Double> worstSpotPoolLossFractionByProfile,
    int capViolations,
    int poolCapViolations,
    int jobsFailed,
    int jobsRetried,
    int jobsAbandoned,
    int jobsCompleted,
    int jobsUnfinished,
    double executorPendingHours,
    int nodesLaunched,
    int nodesNeverUsed,
    List<Sample> timeline,
    List<Interruption> interruptions,
    List<JobLoss> jobLosses) {

  public StrategyResult {
    worstSpotPoolLossFractionByProfile =
        Collections.unmodifiableMap(new TreeMap<>(worstSpotPoolLossFractionByProfile));
    timeline = List.copyOf(timeline);
    interruptions = List.copyOf(interruptions);
    jobLosses = List.copyOf(jobLosses);
  }

  /** One job's worst loss to a single reclaim event (a node, or a pool event's nodes). */
  public record JobLoss(String profile, double share) {}

  /**
   * The cluster at one minute.
   *
   * @param cost dollars billed from the start to this minute
   */
  public record Sample(
      int minute,
      int spotNodes,
      int onDemandNodes,
      double cpuUtilization,
      int pendingPods,
      double cost) {}

  /**
   * One reclaimed node: when, which node and pool, the event it belongs to (a pool event's nodes
   * share one), how many executors it took, and the worst share of one job.
   */
  public record Interruption(
      int minute,
      String node,
      String pool,
      int event,
      boolean poolEvent,
      int executorsLost,
      double worstJobShareLost) {}
}
