package dev.spotpack.sim.report;

import dev.spotpack.sim.StrategyResult;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The terminal table: one column per strategy. */
public final class TableReport {
  private TableReport() {}

  public static String render(List<StrategyResult> results, String workloadName, long seed) {
    StringBuilder out = new StringBuilder();
    out.append("spotpack simulate: ")
        .append(workloadName)
        .append(", seed ")
        .append(seed)
        .append("\n\n");
    out.append(String.format(Locale.ROOT, "%-32s", ""));
    results.forEach(r -> out.append(String.format(Locale.ROOT, "%16s", r.name())));
    out.append('\n');
    row(out, "cost ($)", results, r -> String.format(Locale.ROOT, "%.2f", r.cost()));
    row(
        out,
        "cpu-hours (spot / on-demand)",
        results,
        r -> String.format(Locale.ROOT, "%.0f / %.0f", r.spotCpuHours(), r.onDemandCpuHours()));
    row(
        out,
        "node-hours (spot / on-demand)",
        results,
        r -> String.format(Locale.ROOT, "%.0f / %.0f", r.spotNodeHours(), r.onDemandNodeHours()));
    row(out, "peak nodes", results, r -> Integer.toString(r.peakNodes()));
    row(
        out,
        "nodes launched / never used",
        results,
        r -> r.nodesLaunched() + " / " + r.nodesNeverUsed());
    row(
        out,
        "mean cpu utilization",
        results,
        r -> String.format(Locale.ROOT, "%.0f%%", 100 * r.meanCpuUtilization()));
    row(out, "spot nodes reclaimed", results, r -> Integer.toString(r.spotInterruptions()));
    row(out, "pool reclaim events", results, r -> Integer.toString(r.poolReclaims()));
    row(out, "executors lost", results, r -> Integer.toString(r.executorsLost()));
    row(
        out,
        "worst share on one spot node",
        results,
        r -> String.format(Locale.ROOT, "%.0f%%", 100 * r.worstSpotNodeLossFraction()));
    row(
        out,
        "worst share lost to one pool",
        results,
        r -> String.format(Locale.ROOT, "%.0f%%", 100 * r.worstSpotPoolLossFraction()));
    results.stream()
        .flatMap(r -> r.worstSpotPoolLossFractionByProfile().keySet().stream())
        .distinct()
        .sorted()
        .forEach(
            profile ->
                row(
                    out,
                    "  " + shortProfile(profile),
                    results,
                    r -> {
                      Double share = r.worstSpotPoolLossFractionByProfile().get(profile);
                      return share == null
                          ? "-"
                          : String.format(Locale.ROOT, "%.0f%%", 100 * share);
                    }));
    row(
        out,
        "cap violations (node / pool)",
        results,
        r -> r.capViolations() + " / " + r.poolCapViolations());
    row(out, "job failures / retried", results, r -> r.jobsFailed() + " / " + r.jobsRetried());
    row(
        out,
        "jobs completed / abandoned",
        results,
        r -> r.jobsCompleted() + " / " + r.jobsAbandoned());
    row(
        out,
        "executor hours pending",
        results,
        r -> String.format(Locale.ROOT, "%.0f", r.executorPendingHours()));
    out.append('\n')
        .append(
            "worst share on one spot node: the most of one job's executors one node's reclaim could"
                + " take.\n");
    out.append(
        "worst share lost to one pool: the most of one job's executors one pool event (one instance"
            + " type in one zone) took.\n");
    out.append(
        "job failures: attempts that lost more than the failure share of their executors in one"
            + " reclaim event;\n");
    out.append(
        "  a failed job is submitted again while it has retries left (abandoned: its last attempt"
            + " failed).\n");
    return out.toString();
  }

  /** COST_OVER_RELIABILITY fits the label column as it is; longer names are cut. */
  private static String shortProfile(String profile) {
    return profile.length() > 28 ? profile.substring(0, 28) : profile;
  }

  private static void row(
      StringBuilder out,
      String label,
      List<StrategyResult> results,
      Function<StrategyResult, String> cell) {
    out.append(String.format(Locale.ROOT, "%-32s", label));
    results.forEach(r -> out.append(String.format(Locale.ROOT, "%16s", cell.apply(r))));
    out.append('\n');
  }
}
