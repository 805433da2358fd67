package dev.spotpack.sim;

import dev.spotpack.policy.model.Resources;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One scheduling pass, as kube-scheduler makes it: pending pods one at a time in creation order;
 * its own filters (resources, 110 pods, the pod's node affinity); the strategy's extender, if any;
 * then the highest score, ties to the oldest node. Scores: the strategy's resource score (0..100),
 * +200 on a spot node for an executor that may use one (a preferred node affinity of weight 2, as
 * platform teams give executors), and the extender's score x weight 1 x 10.
 */
final class Scheduler {
  private static final long SPOT_PREFERENCE = 200;
  private static final long EXTENDER_SCALE = 10;

  private final SimCluster cluster;
  private final SpotRules rules;
  private final Strategy.ResourceScore score;
  private final Jobs jobs;
  private final Ledger ledger;

  Scheduler(
      SimCluster cluster, SpotRules rules, Strategy.ResourceScore score, Jobs jobs, Ledger ledger) {
    this.cluster = cluster;
    this.rules = rules;
    this.score = score;
    this.jobs = jobs;
    this.ledger = ledger;
  }

  void pass(int minute) {
    rules.release(cluster.pending, minute);
    List<SimNode> ready = cluster.readyNodes(minute);
    List<SimPod> queue = new ArrayList<>(cluster.pending);
    Set<SimPod> queued = new HashSet<>(queue);
    for (int i = 0; i < queue.size(); i++) {
      SimPod pod = queue.get(i);
      if (pod.node != null || pod.gated || !cluster.pending.contains(pod)) {
        continue;
      }
      SimNode chosen = choose(pod, ready, minute);
      if (chosen == null) {
        continue;
      }
      cluster.place(pod, chosen);
      ledger.placed(pod, chosen);
      if (pod.driver && !pod.job.running) {
        // the driver asks for its executors as soon as it runs; they join this pass
        List<SimPod> started = jobs.start(pod.job, minute);
        rules.release(started, minute);
        for (SimPod executor : started) {
          if (queued.add(executor)) {
            queue.add(executor);
          }
        }
      }
    }
  }

  private @Nullable SimNode choose(SimPod pod, List<SimNode> ready, int minute) {
    List<SimNode> fit = new ArrayList<>();
    for (SimNode n : ready) {
      if (n.fits(pod)) {
        fit.add(n);
      }
    }
    if (fit.isEmpty()) {
      return null;
    }
    SpotRules.Candidates candidates = rules.filter(pod, fit, minute);
    SimNode best = null;
    long bestScore = Long.MIN_VALUE;
    Resources request = Resources.cpuMemory(pod.cpu, pod.memory);
    for (SimNode n : candidates.nodes()) {
      long s =
          score.score(
              Resources.cpuMemory(n.type.cpuMillis(), n.type.memoryBytes()),
              Resources.cpuMemory(n.cpuRequested, n.memoryRequested),
              request);
      if (!pod.driver && !pod.onDemandOnly && n.spot) {
        s += SPOT_PREFERENCE;
      }
      s += candidates.extenderScores().getOrDefault(n.name, 0L) * EXTENDER_SCALE;
      if (s > bestScore) {
        bestScore = s;
        best = n;
      }
    }
    return best;
  }
}
