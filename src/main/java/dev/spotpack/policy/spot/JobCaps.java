package dev.spotpack.policy.spot;

import java.util.OptionalInt;

/**
 * A job's caps for its next executor: the one place the numbers the filter, the placement gate, the
 * reports and the simulator's spotpack strategy use are worked out ({@link SpotLimits#caps(int)};
 * the arithmetic is {@link Caps}'). The simulator's ledger checks placements with arithmetic of its
 * own on purpose, so that a mistake here is not repeated there.
 *
 * @param jobSize N = max(declared size, executors known)
 * @param perNode C = max(1, floor(f × N)) executors on one spot node
 * @param perPool P = max(C, floor(p × N)) executors on the spot nodes of one pool
 * @param spotShare ceil(s × N) executors on spot nodes; empty when s ≥ 1 (no limit)
 * @param noSpot s = 0: the job may not use spot nodes at all
 *     <p>Immutable.
 */
public record JobCaps(
    int jobSize, int perNode, int perPool, OptionalInt spotShare, boolean noSpot) {}
