package dev.spotpack.sim.report;

import dev.spotpack.sim.StrategyResult;
import java.util.List;
import java.util.Locale;

/** The terminal table: one column per strategy. */
public final class TableReport {
  private TableReport() {}

  public static String render(List<StrategyResult> results, String workloadName, long seed) {
    StringBuilder out = new StringBuilder();
    out.append("spotpack simulate: ").append(workloadName).append(", seed ").append(seed).append("\n\n");
    out.append(String.format(Locale.ROOT, "%-30s", ""));
    results.forEach(r -> out.append(String.format(Locale.ROOT, "%16s", r.name())));
    out.append('\n');
    row(out, "cost ($)", results, r -> String.format(Locale.ROOT, "%.2f", r.cost()));
    row(out, "node-hours (spot / on-demand)", results,
        r -> String.format(Locale.ROOT, "%.0f / %.0f", r.spotNodeHours(), r.onDemandNodeHours()));
    row(out, "peak nodes", results, r -> Integer.toString(r.peakNodes()));
    row(out, "mean cpu utilization", results, r -> String.format(Locale.ROOT, "%.0f%%", 100 * r.meanCpuUtilization()));
    row(out, "spot interruptions", results, r -> Integer.toString(r.spotInterruptions()));
    row(out, "executors lost", results, r -> Integer.toString(r.executorsLost()));
    row(out, "worst share on one spot node", results,
        r -> String.format(Locale.ROOT, "%.0f%%", 100 * r.worstSpotNodeLossFraction()));
    row(out, "cap violations", results, r -> Integer.toString(r.capViolations()));
    row(out, "jobs failed / completed", results, r -> r.jobsFailed() + " / " + r.jobsCompleted());
    row(out, "executor hours pending", results, r -> String.format(Locale.ROOT, "%.0f", r.executorPendingHours()));
    out.append('\n').append("worst share on one spot node: the most of one job's executors a single reclaim could take.\n");
    out.append("jobs failed: lost more than the failure share of their executors in one reclaim.\n");
    return out.toString();
  }

  private static void row(StringBuilder out, String label, List<StrategyResult> results,
      java.util.function.Function<StrategyResult, String> cell) {
    out.append(String.format(Locale.ROOT, "%-30s", label));
    results.forEach(r -> out.append(String.format(Locale.ROOT, "%16s", cell.apply(r))));
    out.append('\n');
  }
}
