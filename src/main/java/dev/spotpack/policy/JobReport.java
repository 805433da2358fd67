package dev.spotpack.policy;

import java.util.List;

/**
 * Where one job's executors are, and the caps that apply to its next executor: what {@code GET
 * /debug/jobs} shows and what the per-job share metric reports.
 *
 * @param executors active executors known (bound and pending)
 * @param jobSize N = max(expected-executors, executors)
 * @param perNodeCap C for the next executor, max(1, floor(f × N))
 * @param spotShareLimit ceil(s × N), or -1 when s = 1 (no limit)
 * @param maxSpotNodeShare the largest share of N on any one spot node (0 when none)
 * @param problem the annotation problem that keeps the job's pods from scheduling, or ""
 *
 * <p>Immutable.
 */
public record JobReport(
    String job,
    String profile,
    int executors,
    int pending,
    int jobSize,
    int perNodeCap,
    int spotShareLimit,
    int executorsOnSpot,
    double maxSpotNodeShare,
    List<NodeCount> nodes,
    String problem) {

  /** Executors of the job on one node. */
  public record NodeCount(String node, int executors, boolean spot) {}

  public JobReport {
    nodes = List.copyOf(nodes);
  }
}
