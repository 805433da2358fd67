package dev.spotpack.policy.spot;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The cap arithmetic, exact in decimal so that the cap a user computes by hand is the cap they get.
 */
public final class Caps {
  private Caps() {}

  /** Per-node cap C = max(1, floor(f × N)): at least one executor may always use a spot node. */
  public static int perNodeCap(BigDecimal maxSpotFractionPerNode, int jobSize) {
    int floor =
        maxSpotFractionPerNode
            .multiply(BigDecimal.valueOf(jobSize))
            .setScale(0, RoundingMode.FLOOR)
            .intValueExact();
    return Math.max(1, floor);
  }

  /**
   * Per-pool cap P = max(C, floor(p × N)): never below the per-node cap, so that a pool of one node
   * allows what the node allows.
   */
  public static int perPoolCap(BigDecimal maxSpotFractionPerPool, int jobSize, int perNodeCap) {
    int floor =
        maxSpotFractionPerPool
            .multiply(BigDecimal.valueOf(jobSize))
            .setScale(0, RoundingMode.FLOOR)
            .intValueExact();
    return Math.max(perNodeCap, floor);
  }

  /** Spot share limit ceil(s × N): how many of the job's executors may be on spot nodes. */
  public static int spotShareLimit(BigDecimal maxSpotShare, int jobSize) {
    return maxSpotShare
        .multiply(BigDecimal.valueOf(jobSize))
        .setScale(0, RoundingMode.CEILING)
        .intValueExact();
  }

  /** s ≥ 1 places no limit on the job's spot share. */
  public static boolean limitsShare(BigDecimal maxSpotShare) {
    return maxSpotShare.compareTo(BigDecimal.ONE) < 0;
  }

  /** A fraction as a percentage for messages: 0.25 → "25%", 0.125 → "12.5%". */
  public static String percent(BigDecimal fraction) {
    return fraction.movePointRight(2).stripTrailingZeros().toPlainString() + "%";
  }
}
