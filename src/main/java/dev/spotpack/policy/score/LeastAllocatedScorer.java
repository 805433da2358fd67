package dev.spotpack.policy.score;

import dev.spotpack.policy.model.Resources;
import java.util.Map;

/**
 * kube-scheduler's LeastAllocated node score (the default), 0..100, with upstream's integer
 * arithmetic ({@code least_allocated.go}): per resource {@code (alloc - req) * 100 / alloc}, 0 when
 * {@code req > alloc}; weighted average with integer division. Only cpu and memory requests are
 * modelled (what the simulator needs).
 *
 * <p>Immutable; safe to share across threads.
 */
public final class LeastAllocatedScorer {
  private final ResourceWeights weights;

  public LeastAllocatedScorer(ResourceWeights weights) {
    this.weights = weights;
  }

  public long score(Resources allocatable, Resources nodeRequested, Resources podRequest) {
    long nodeScore = 0;
    long weightSum = 0;
    for (Map.Entry<String, Long> e : weights.byResource().entrySet()) {
      long alloc = allocatable.get(e.getKey());
      if (alloc <= 0) {
        continue;
      }
      long req = nodeRequested.get(e.getKey()) + podRequest.get(e.getKey());
      long score = req > alloc ? 0 : (alloc - req) * MostAllocatedScorer.MAX_NODE_SCORE / alloc;
      nodeScore += score * e.getValue();
      weightSum += e.getValue();
    }
    return weightSum == 0 ? 0 : nodeScore / weightSum;
  }
}
