package dev.spotpack.sim;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.score.LeastAllocatedScorer;
import dev.spotpack.policy.score.MostAllocatedScorer;
import dev.spotpack.policy.score.ResourceWeights;

/**
 * The scheduling strategies compared, under the names the output uses: each is a resource score and
 * a set of {@link SpotRules}.
 */
public enum Strategy {
  /**
   * The default scheduler's resource scoring: spreads pods; the team pins beyond the spot share.
   */
  LEAST_ALLOCATED(
      "LeastAllocated", Scoring.LEAST_ALLOCATED, (policy, state, hints) -> new TeamPinning()),
  /** Bin-packing without caps; the team pins beyond the spot share. */
  MOST_ALLOCATED(
      "MostAllocated", Scoring.MOST_ALLOCATED, (policy, state, hints) -> new TeamPinning()),
  /** Bin-packing with spotpack's filter and prioritize. */
  SPOTPACK("spotpack", Scoring.MOST_ALLOCATED, SpotpackRules::new);

  private final String label;
  final Scoring scoring;
  private final RulesFactory rules;

  /** Makes a strategy's rules; {@code hints}: whether spotpack's admission webhook runs. */
  @FunctionalInterface
  interface RulesFactory {
    SpotRules make(SpotPolicy policy, ClusterState state, boolean hints);
  }

  Strategy(String label, Scoring scoring, RulesFactory rules) {
    this.label = label;
    this.scoring = scoring;
    this.rules = rules;
  }

  public String label() {
    return label;
  }

  SpotRules rules(SpotPolicy policy, ClusterState state, boolean hints) {
    return this.rules.make(policy, state, hints);
  }

  /** kube-scheduler's NodeResourcesFit scoring strategies, 0..100. */
  enum Scoring {
    LEAST_ALLOCATED {
      @Override
      ResourceScore scorer(ResourceWeights weights) {
        return new LeastAllocatedScorer(weights)::score;
      }
    },
    MOST_ALLOCATED {
      @Override
      ResourceScore scorer(ResourceWeights weights) {
        return new MostAllocatedScorer(weights)::score;
      }
    };

    abstract ResourceScore scorer(ResourceWeights weights);
  }

  @FunctionalInterface
  interface ResourceScore {
    long score(Resources allocatable, Resources requested, Resources podRequest);
  }
}
