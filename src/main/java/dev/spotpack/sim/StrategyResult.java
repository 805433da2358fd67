package dev.spotpack.sim;

import java.util.List;

/**
 * What one strategy did with the workload.
 *
 * @param nodeHours node time billed (from launch to removal), spot plus on-demand
 * @param cost node time times the instance type's hourly price for its capacity type, in dollars
 * @param meanCpuUtilization time-average of requested cpu over allocatable cpu of ready nodes
 * @param executorsLost executors on spot nodes when those were reclaimed
 * @param worstSpotNodeLossFraction the largest share of one job ever on a single spot node, as a
 *     fraction of the job's size N = max(declared size, live executors), the denominator of its
 *     caps: the most one reclaim could have taken from a job
 * @param capViolations placements that put more of a job's executors on one spot node than its
 *     cap max(1, floor(f × N)) at that moment (checked independently of spotpack's code)
 * @param jobsFailed jobs that lost more than the workload's failure share in one interruption
 * @param executorPendingHours executor time spent pending (waiting for a node or for room)
 * @param timeline one sample per simulated minute, for the report's charts
 * @param interruptions each reclaim, with the executors it took
 *
 * <p>Immutable.
 */
public record StrategyResult(
    String name,
    double nodeHours,
    double spotNodeHours,
    double onDemandNodeHours,
    double cost,
    int peakNodes,
    double meanCpuUtilization,
    int spotInterruptions,
    int executorsLost,
    double worstSpotNodeLossFraction,
    int capViolations,
    int jobsFailed,
    int jobsCompleted,
    int jobsUnfinished,
    double executorPendingHours,
    List<Sample> timeline,
    List<Interruption> interruptions) {

  public StrategyResult {
    timeline = List.copyOf(timeline);
    interruptions = List.copyOf(interruptions);
  }

  /** The cluster at one minute. */
  public record Sample(int minute, int spotNodes, int onDemandNodes, double cpuUtilization, int pendingPods) {}

  /** One spot reclaim: when, which node, how many executors it took, the worst share of one job. */
  public record Interruption(int minute, String node, int executorsLost, double worstJobShareLost) {}
}
