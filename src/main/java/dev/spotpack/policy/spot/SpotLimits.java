package dev.spotpack.policy.spot;

import java.math.BigDecimal;
import java.util.OptionalInt;

/**
 * The limits that apply to one pod, after its profile and annotation overrides are resolved.
 *
 * @param profile the profile the pod named, or the default profile
 * @param maxSpotFractionPerNode f, from the annotation if set, else from the profile
 * @param maxSpotShare s, from the annotation if set, else from the profile
 * @param maxSpotFractionPerPool p, from the annotation if set, else from the profile
 * @param expectedExecutors the job size the pod declares, if it declares one
 *     <p>Immutable.
 */
public record SpotLimits(
    String profile,
    BigDecimal maxSpotFractionPerNode,
    BigDecimal maxSpotShare,
    BigDecimal maxSpotFractionPerPool,
    OptionalInt expectedExecutors) {

  /** Job size N = max(declared size, executors known): the larger one gives the looser cap. */
  public int jobSize(int knownExecutors) {
    return Math.max(expectedExecutors.orElse(0), knownExecutors);
  }

  /** The caps for the next executor of a job of which {@code knownExecutors} are known. */
  public JobCaps caps(int knownExecutors) {
    int n = jobSize(knownExecutors);
    int perNode = Caps.perNodeCap(maxSpotFractionPerNode, n);
    return new JobCaps(
        n,
        perNode,
        Caps.perPoolCap(maxSpotFractionPerPool, n, perNode),
        Caps.limitsShare(maxSpotShare)
            ? OptionalInt.of(Caps.spotShareLimit(maxSpotShare, n))
            : OptionalInt.empty(),
        maxSpotShare.signum() == 0);
  }
}
