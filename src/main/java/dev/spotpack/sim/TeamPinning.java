package dev.spotpack.sim;

import java.util.List;
import java.util.Map;

/**
 * The baselines: no extender; a team that wants only part of a job on spot pins every executor
 * beyond ceil(s x N) to on-demand when it is created (what Notion's Spot Balancer does with a
 * webhook), so the profile's spot share costs the baselines what it costs spotpack.
 */
final class TeamPinning implements SpotRules {

  @Override
  public boolean pinsToOnDemand(SimJob job) {
    int mayUseSpot = job.limits.spotShareLimit(job.limits.jobSize(job.executors.size() + 1));
    int unpinned = 0;
    for (SimPod p : job.executors) {
      if (!p.onDemandOnly) {
        unpinned++;
      }
    }
    return unpinned >= mayUseSpot;
  }

  @Override
  public Candidates filter(SimPod pod, List<SimNode> fit, int minute) {
    return new Candidates(fit, Map.of());
  }

  @Override
  public Launch launchFor(SimPod executor, int plannedOnSpotForJob) {
    return executor.onDemandOnly ? Launch.ON_DEMAND : Launch.SPOT;
  }
}
