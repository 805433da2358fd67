package dev.spotpack.sim.report;

import dev.spotpack.sim.StrategyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The terminal table: one column per strategy. */
public final class TableReport {
  private TableReport() {}

  /** One row of the summary: a label and one cell per strategy. */
  public record Row(String label, List<String> cells) {}

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
    for (Row row : rows(results)) {
      out.append(String.format(Locale.ROOT, "%-32s", row.label()));
      row.cells().forEach(c -> out.append(String.format(Locale.ROOT, "%16s", c)));
      out.append('\n');
    }
    out.append('\n');
    notes().forEach(n -> out.append(n).append('\n'));
    return out.toString();
  }

  /** The summary's rows, the same for the terminal and the HTML report. */
  public static List<Row> rows(List<StrategyResult> results) {
    List<Row> rows = new ArrayList<>();
    row(rows, "cost ($)", results, r -> String.format(Locale.ROOT, "%.2f", r.cost()));
    row(
        rows,
        "cpu-hours (spot / on-demand)",
        results,
        r -> String.format(Locale.ROOT, "%.0f / %.0f", r.spotCpuHours(), r.onDemandCpuHours()));
    row(
        rows,
        "node-hours (spot / on-demand)",
        results,
        r -> String.format(Locale.ROOT, "%.0f / %.0f", r.spotNodeHours(), r.onDemandNodeHours()));
    row(rows, "peak nodes", results, r -> Integer.toString(r.peakNodes()));
    row(
        rows,
        "nodes launched / never used",
        results,
        r -> r.nodesLaunched() + " / " + r.nodesNeverUsed());
    row(
        rows,
        "mean cpu utilization",
        results,
        r -> String.format(Locale.ROOT, "%.0f%%", 100 * r.meanCpuUtilization()));
    row(rows, "spot nodes reclaimed", results, r -> Integer.toString(r.spotInterruptions()));
    row(rows, "pool reclaim events", results, r -> Integer.toString(r.poolReclaims()));
    row(rows, "executors lost", results, r -> Integer.toString(r.executorsLost()));
    row(
        rows,
        "worst share on one spot node",
        results,
        r -> String.format(Locale.ROOT, "%.0f%%", 100 * r.worstSpotNodeLossFraction()));
    row(
        rows,
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
                    rows,
                    "  " + shortProfile(profile),
                    results,
                    r -> {
                      Double share = r.worstSpotPoolLossFractionByProfile().get(profile);
                      return share == null
                          ? "-"
                          : String.format(Locale.ROOT, "%.0f%%", 100 * share);
                    }));
    row(
        rows,
        "cap violations (node / pool)",
        results,
        r -> r.capViolations() + " / " + r.poolCapViolations());
    row(rows, "job failures / retried", results, r -> r.jobsFailed() + " / " + r.jobsRetried());
    row(
        rows,
        "jobs completed / abandoned",
        results,
        r -> r.jobsCompleted() + " / " + r.jobsAbandoned());
    row(
        rows,
        "executor hours pending",
        results,
        r -> String.format(Locale.ROOT, "%.0f", r.executorPendingHours()));
    return rows;
  }

  /** What the rows mean. */
  public static List<String> notes() {
    return List.of(
        "worst share on one spot node: the most of one job's executors one node's reclaim could"
            + " take.",
        "worst share lost to one pool: the most of one job's executors one pool event (one"
            + " instance type in one zone) took.",
        "job failures: attempts that lost more than the failure share of their executors in one"
            + " reclaim event;",
        "  a failed job is submitted again while it has retries left (abandoned: its last attempt"
            + " failed).");
  }

  /** COST_OVER_RELIABILITY fits the label column as it is; longer names are cut. */
  private static String shortProfile(String profile) {
    return profile.length() > 28 ? profile.substring(0, 28) : profile;
  }

  private static void row(
      List<Row> rows,
      String label,
      List<StrategyResult> results,
      Function<StrategyResult, String> cell) {
    rows.add(new Row(label, results.stream().map(cell).toList()));
  }
}
