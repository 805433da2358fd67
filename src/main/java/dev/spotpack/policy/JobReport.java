package dev.spotpack.policy;

import java.util.List;

/**
 * Where one job's executors are, and the caps that apply to its next executor: what {@code GET
 * /debug/jobs} shows and what the per-job share metric reports.
 *
 * @param executors active executors known (bound and pending)
 * @param jobSize N = max(expected-executors, executors)
 * @param perNodeCap C for the next executor, max(1, floor(f × N))
 * @param perPoolCap P for the next executor, max(C, floor(p × N))
 * @param spotShareLimit ceil(s × N), or -1 when s = 1 (no limit)
 * @param maxSpotNodeShare the largest share of N on any one spot node (0 when none)
 * @param maxSpotPoolShare the largest share of N on the spot nodes of any one pool (0 when none):
 *     what one correlated reclaim could take
 * @param pools bound executors on spot nodes, per pool
 * @param problem the annotation problem that keeps the job's pods from scheduling, or ""
 *     <p>Immutable.
 */
public record JobReport(
    String job,
    String profile,
    int executors,
    int pending,
    int jobSize,
    int perNodeCap,
    int perPoolCap,
    int spotShareLimit,
    int executorsOnSpot,
    double maxSpotNodeShare,
    double maxSpotPoolShare,
    List<NodeCount> nodes,
    List<PoolCount> pools,
    String problem) {

  /** Executors of the job on one node. */
  public record NodeCount(String node, int executors, boolean spot) {}

  /** Executors of the job on the spot nodes of one capacity pool. */
  public record PoolCount(String pool, int executors) {}

  public JobReport {
    nodes = List.copyOf(nodes);
    pools = List.copyOf(pools);
  }
}
