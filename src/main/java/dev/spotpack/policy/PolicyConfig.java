package dev.spotpack.policy;

import dev.spotpack.policy.score.ResourceWeights;
import dev.spotpack.policy.spot.CapsFallback;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.policy.spot.Profiles;
import dev.spotpack.policy.spot.SpotNodes;

/**
 * Everything the policy's decisions depend on besides the pod and the cluster.
 *
 * @param driversOnSpot whether a Spark driver may be placed on a spot node (default false: losing
 *     the driver loses the whole job)
 * @param capsFallback what happens to an executor the caps keep waiting (default: it waits)
 *     <p>Immutable.
 */
public record PolicyConfig(
    PodRoles roles,
    SpotNodes spotNodes,
    boolean driversOnSpot,
    Profiles profiles,
    ResourceWeights scoringWeights,
    CapsFallback capsFallback) {

  public static final PolicyConfig DEFAULT =
      new PolicyConfig(
          PodRoles.SPARK,
          SpotNodes.DEFAULT,
          false,
          Profiles.DEFAULT,
          ResourceWeights.CPU_AND_MEMORY,
          CapsFallback.WAIT);
}
