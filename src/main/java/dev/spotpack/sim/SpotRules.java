package dev.spotpack.sim;

import java.util.List;
import java.util.Map;

/**
 * What sets a strategy's use of spot apart, besides its resource score: a constraint a pod gets at
 * creation, an extender in the scheduling pass, and what an autoscaler that knows the rules
 * launches for a pod left pending.
 */
interface SpotRules {

  /** Whether a new executor of {@code job} carries a required on-demand node affinity. */
  boolean pinsToOnDemand(SimJob job);

  /**
   * The nodes among {@code fit} (which pass kube-scheduler's own filters) that the pod may use,
   * with the extender's scores (0..10) where there is an extender.
   */
  Candidates filter(SimPod pod, List<SimNode> fit, int minute);

  /**
   * What an autoscaler that understands these rules launches for an executor left pending, given
   * what it has already planned for the job in this pass.
   */
  Launch launchFor(SimPod executor, int plannedOnSpotForJob);

  /** A new executor has been created (the admission webhook's moment). */
  default void created(SimPod executor) {}

  /** Lifts the placement gate of pending executors where it may (spotpack's controller). */
  default void release(List<SimPod> pending, int minute) {}

  /** Feasible nodes and extender scores by node name (empty: no extender score). */
  record Candidates(List<SimNode> nodes, Map<String, Long> extenderScores) {}

  /**
   * A launch: on a spot node holding at most {@code perNodeCap} of the job's executors, in a pool
   * holding at most {@code perPoolCap} of them; or on on-demand capacity.
   */
  record Launch(boolean spot, int perNodeCap, int perPoolCap) {
    static final Launch ON_DEMAND = new Launch(false, Integer.MAX_VALUE, Integer.MAX_VALUE);
    static final Launch SPOT = new Launch(true, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }
}
