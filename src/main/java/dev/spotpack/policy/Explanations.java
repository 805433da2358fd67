package dev.spotpack.policy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** What would let a pod onto more nodes, from the rules that refused them. */
final class Explanations {
  private Explanations() {}

  static List<String> changes(
      FilterDecision decision, @Nullable JobReport job, List<Explanation.NodeVerdict> nodes) {
    Map<Rule, Integer> refusedBy = new EnumMap<>(Rule.class);
    TreeSet<String> fullPools = new TreeSet<>();
    for (Explanation.NodeVerdict v : nodes) {
      if (v.rule() != null) {
        refusedBy.merge(v.rule(), 1, Integer::sum);
        if (v.rule() == Rule.PER_POOL_CAP) {
          fullPools.add(v.pool());
        }
      }
    }
    List<String> changes = new ArrayList<>();
    if (refusedBy.containsKey(Rule.INVALID_ANNOTATION)) {
      changes.add(
          "fix the annotation: every node is refused until it can be read ("
              + (job == null || job.problem().isEmpty() ? "see the reason" : job.problem())
              + ")");
      return changes;
    }
    if (decision.capsRelaxed()) {
      changes.add(
          "the executor has waited past spot.relaxAfterSeconds: its caps no longer hold it"
              + " (spot.onCapsExhausted: relax)");
    }
    if (refusedBy.containsKey(Rule.PER_NODE_CAP) && job != null) {
      changes.add(
          refusedBy.get(Rule.PER_NODE_CAP)
              + " spot node(s) hold the job's per-node cap C = "
              + job.perNodeCap()
              + " of N = "
              + job.jobSize()
              + ": such a node takes this executor once the job has fewer than C there, or with"
              + " a higher spotpack.dev/max-spot-fraction-per-node (a larger share lost when"
              + " that node is reclaimed); a new spot node takes it at once");
    }
    if (refusedBy.containsKey(Rule.PER_POOL_CAP) && job != null) {
      changes.add(
          "pool(s) "
              + String.join(", ", fullPools)
              + " hold the job's per-pool cap P = "
              + job.perPoolCap()
              + ": spot nodes of another pool (another instance type or zone in the NodePool)"
              + " take it, or a higher spotpack.dev/max-spot-fraction-per-pool (a larger share"
              + " lost to one correlated reclaim)");
    }
    if (refusedBy.containsKey(Rule.SPOT_SHARE) && job != null) {
      changes.add(
          "the job has its spot share ("
              + job.spotShareLimit()
              + " of N = "
              + job.jobSize()
              + " executors on spot): this executor goes to an on-demand node, or raise"
              + " spotpack.dev/max-spot-share");
    }
    if (refusedBy.containsKey(Rule.NO_SPOT)) {
      changes.add(
          "the job may not use spot nodes (max-spot-share 0): only on-demand nodes take it");
    }
    if (refusedBy.containsKey(Rule.DRIVER_ON_SPOT)) {
      changes.add("drivers stay on on-demand nodes (config spot.allowDrivers: false)");
    }
    if (refusedBy.containsKey(Rule.UNKNOWN_NODE)) {
      changes.add(
          refusedBy.get(Rule.UNKNOWN_NODE)
              + " node(s) are not known to spotpack yet: they are considered once it sees them");
    }
    if (decision.feasible().isEmpty()) {
      changes.add(
          "no node passes spotpack's rules: the pod waits until one of the above changes (an"
              + " autoscaler that simulates only kube-scheduler's rules will not add a node for"
              + " it; see docs/karpenter.md)");
    } else {
      changes.add(
          decision.feasible().size()
              + " node(s) pass spotpack's rules; if the pod still waits, kube-scheduler's own"
              + " filters refuse them (resources, taints, affinity): see its FailedScheduling"
              + " event");
    }
    return changes;
  }
}
