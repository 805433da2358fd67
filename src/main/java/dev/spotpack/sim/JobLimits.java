package dev.spotpack.sim;

import dev.spotpack.policy.spot.Profile;
import dev.spotpack.policy.spot.Profiles;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * A job's limits as the simulator's own checks read them: the annotations and the profile's values
 * read again, and the cap arithmetic written out again in whole numbers. It shares no code with the
 * policy's {@code Caps}, {@code SpotLimits} or {@code SpotAnnotations}, so that a bug in either
 * shows up as a difference (cap violations for spotpack) instead of agreeing with itself.
 *
 * @param perNodeFraction f: at most max(1, floor(f x N)) executors on one spot node
 * @param spotShare s: at most ceil(s x N) executors on spot nodes (s = 1: no limit)
 * @param perPoolFraction p: at most max(C, floor(p x N)) executors on the spot nodes of one pool
 * @param profile the profile's name, for reports per profile
 * @param declaredSize the declared job size, 0 when none is declared
 *     <p>Immutable.
 */
record JobLimits(
    BigDecimal perNodeFraction,
    BigDecimal spotShare,
    BigDecimal perPoolFraction,
    int declaredSize,
    String profile) {

  /** Reads a job's annotations; the workload loader has already refused bad values. */
  static JobLimits read(Map<String, String> annotations, Profiles profiles) {
    String name = annotations.get("spotpack.dev/profile");
    Profile profile =
        name == null
            ? profiles.defaults()
            : profiles
                .named(name.trim())
                .orElseThrow(() -> new IllegalArgumentException("unknown profile " + name));
    String f = annotations.get("spotpack.dev/max-spot-fraction-per-node");
    String s = annotations.get("spotpack.dev/max-spot-share");
    String p = annotations.get("spotpack.dev/max-spot-fraction-per-pool");
    String n = annotations.get("spotpack.dev/expected-executors");
    return new JobLimits(
        f == null ? profile.maxSpotFractionPerNode() : new BigDecimal(f.trim()),
        s == null ? profile.maxSpotShare() : new BigDecimal(s.trim()),
        p == null ? profile.maxSpotFractionPerPool() : new BigDecimal(p.trim()),
        n == null ? 0 : Integer.parseInt(n.trim()),
        profile.name());
  }

  int jobSize(int liveExecutors) {
    return Math.max(declaredSize, liveExecutors);
  }

  /** max(1, floor(f x N)), as (unscaled(f) x N) div 10^scale(f). */
  int perNodeCap(int jobSize) {
    return Math.max(1, times(perNodeFraction, jobSize, false));
  }

  /** max(C, floor(p x N)), with C the per-node cap. */
  int perPoolCap(int jobSize) {
    return Math.max(perNodeCap(jobSize), times(perPoolFraction, jobSize, false));
  }

  /** ceil(s x N); N itself when s is 1 or more (no limit below the job's size). */
  int spotShareLimit(int jobSize) {
    return spotShare.compareTo(BigDecimal.ONE) >= 0 ? jobSize : times(spotShare, jobSize, true);
  }

  private static int times(BigDecimal fraction, int n, boolean roundUp) {
    BigDecimal f = fraction.scale() < 0 ? fraction.setScale(0) : fraction;
    BigInteger numerator = f.unscaledValue().multiply(BigInteger.valueOf(n));
    BigInteger denominator = BigInteger.TEN.pow(f.scale());
    BigInteger[] qr = numerator.divideAndRemainder(denominator);
    BigInteger q = roundUp && qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    return q.intValueExact();
  }
}
