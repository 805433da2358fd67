package dev.spotpack.sim.report;

import dev.spotpack.sim.StrategyResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code simulate --json}: one object, {@code {"workload":…,"seed":…,"strategies":[{…}]}}, each
 * strategy with the fields of {@link StrategyResult} (docs/simulate.md lists them). Fields are only
 * ever added, never renamed: tools read them. Timelines stay out of it (they go to the HTML
 * report).
 */
public final class JsonReport {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private JsonReport() {}

  public static String render(List<StrategyResult> results, String workloadName, long seed) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("workload", workloadName);
    root.put("seed", seed);
    root.put("strategies", results.stream().map(JsonReport::strategy).toList());
    return MAPPER.writeValueAsString(root);
  }

  private static Map<String, Object> strategy(StrategyResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", r.name());
    m.put("nodeHours", round(r.nodeHours()));
    m.put("spotNodeHours", round(r.spotNodeHours()));
    m.put("onDemandNodeHours", round(r.onDemandNodeHours()));
    m.put("cpuHours", round(r.cpuHours()));
    m.put("spotCpuHours", round(r.spotCpuHours()));
    m.put("onDemandCpuHours", round(r.onDemandCpuHours()));
    m.put("cost", round(r.cost()));
    m.put("peakNodes", r.peakNodes());
    m.put("nodesLaunched", r.nodesLaunched());
    m.put("nodesNeverUsed", r.nodesNeverUsed());
    m.put("meanCpuUtilization", round(r.meanCpuUtilization()));
    m.put("spotInterruptions", r.spotInterruptions());
    m.put("poolReclaims", r.poolReclaims());
    m.put("executorsLost", r.executorsLost());
    m.put("worstSpotNodeLossFraction", round(r.worstSpotNodeLossFraction()));
    m.put("worstSpotPoolLossFraction", round(r.worstSpotPoolLossFraction()));
    Map<String, Object> byProfile = new LinkedHashMap<>();
    r.worstSpotPoolLossFractionByProfile()
        .forEach((profile, share) -> byProfile.put(profile, round(share)));
    m.put("worstSpotPoolLossFractionByProfile", byProfile);
    m.put("capViolations", r.capViolations());
    m.put("poolCapViolations", r.poolCapViolations());
    m.put("jobsFailed", r.jobsFailed());
    m.put("jobsRetried", r.jobsRetried());
    m.put("jobsAbandoned", r.jobsAbandoned());
    m.put("jobsCompleted", r.jobsCompleted());
    m.put("jobsUnfinished", r.jobsUnfinished());
    m.put("executorPendingHours", round(r.executorPendingHours()));
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
