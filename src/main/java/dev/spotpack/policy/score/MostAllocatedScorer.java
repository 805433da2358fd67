package dev.spotpack.policy.score;

import dev.spotpack.policy.model.Resources;
import java.util.Map;
import java.util.Set;

/**
 * kube-scheduler's MostAllocated node score, 0..100, with upstream's exact integer arithmetic
 * ({@code pkg/scheduler/framework/plugins/noderesources/most_allocated.go} and {@code
 * resource_allocation.go}, 1.34+; the formula is the same in every version seen):
 *
 * <pre>
 *   for each weighted resource r:
 *     skip r if it is a scalar resource (not cpu, memory or ephemeral-storage) the pod does not request
 *     alloc = node allocatable of r;            skip r if alloc == 0
 *     req   = node's requested r + pod's request of r
 *     score_r = min(req, alloc) * 100 / alloc   (integer division: floor)
 *   node = Σ score_r * w_r / Σ w_r              (integer division; 0 if no resource counts)
 * </pre>
 *
 * For cpu and memory both requested amounts are the non-zero ones (missing container requests count
 * as 100m / 200 MiB). Requests above allocatable clamp to 100 ("pods with no requests get minimum
 * values", upstream's comment).
 *
 * <p>Immutable; safe to share across threads.
 */
public final class MostAllocatedScorer {
  public static final long MAX_NODE_SCORE = 100;

  private static final Set<String> NATIVE = Set.of("cpu", "memory", "ephemeral-storage");

  // Arrays, not the map: this loop runs once per candidate node per call (5,000 at a time).
  private final String[] resources;
  private final long[] weights;
  private final boolean[] nativeResource;

  public MostAllocatedScorer(ResourceWeights weights) {
    int n = weights.byResource().size();
    this.resources = new String[n];
    this.weights = new long[n];
    this.nativeResource = new boolean[n];
    int i = 0;
    for (Map.Entry<String, Long> e : weights.byResource().entrySet()) {
      resources[i] = e.getKey();
      this.weights[i] = e.getValue();
      nativeResource[i] = NATIVE.contains(e.getKey());
      i++;
    }
  }

  /**
   * @param allocatable the node's allocatable resources
   * @param nodeRequested the node's non-zero requested resources, without the pod
   * @param podRequest the incoming pod's non-zero request
   */
  public long score(Resources allocatable, Resources nodeRequested, Resources podRequest) {
    long nodeScore = 0;
    long weightSum = 0;
    for (int i = 0; i < resources.length; i++) {
      String resource = resources[i];
      long podAmount = podRequest.get(resource);
      if (podAmount == 0 && !nativeResource[i]) {
        continue;
      }
      long alloc = allocatable.get(resource);
      if (alloc <= 0) {
        continue;
      }
      long requested = Math.min(nodeRequested.get(resource) + podAmount, alloc);
      long weight = weights[i];
      nodeScore += Math.max(0, requested) * MAX_NODE_SCORE / alloc * weight;
      weightSum += weight;
    }
    return weightSum == 0 ? 0 : nodeScore / weightSum;
  }

  /**
   * Maps a node score 0..100 to the extender range 0..10, rounding half up (45 → 5, 44 → 4).
   * kube-scheduler multiplies extender scores by weight × 10, so 0..10 is the range it expects.
   */
  public static long toExtenderScore(long nodeScore) {
    return (nodeScore + 5) / 10;
  }
}
