package dev.spotpack.policy.spot;

import java.math.BigDecimal;

/**
 * A named stability level: how much of a job may sit on one spot node, and on spot in total.
 * Fractions are exact decimals so that, say, 0.29 × 100 caps at 29 and not at 28.
 *
 * @param maxSpotFractionPerNode f in [0, 1]: per-node cap C = max(1, floor(f × N))
 * @param maxSpotShare s in [0, 1]: at most ceil(s × N) executors on spot; 1 means no limit, 0 never
 *     on spot
 * @param maxSpotFractionPerPool p in [0, 1]: per-pool cap P = max(C, floor(p × N)) executors on the
 *     spot nodes of one capacity pool (one instance type in one zone), what one correlated reclaim
 *     can take
 *     <p>Immutable.
 */
public record Profile(
    String name,
    BigDecimal maxSpotFractionPerNode,
    BigDecimal maxSpotShare,
    BigDecimal maxSpotFractionPerPool) {
  public static final String COST_OVER_RELIABILITY = "COST_OVER_RELIABILITY";
  public static final String BALANCED = "BALANCED";
  public static final String RELIABILITY_OVER_COST = "RELIABILITY_OVER_COST";
  public static final String ON_DEMAND_ONLY = "ON_DEMAND_ONLY";

  public static Profile of(String name, String fraction, String share, String perPool) {
    return new Profile(
        name, new BigDecimal(fraction), new BigDecimal(share), new BigDecimal(perPool));
  }
}
