package dev.spotpack.sim;

import dev.spotpack.policy.PolicyConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs the same workload and seed under each strategy.
 *
 * <p>Stateless; every run builds its own state.
 */
public final class Simulator {
  private final PolicyConfig policyConfig;

  public Simulator(PolicyConfig policyConfig) {
    this.policyConfig = policyConfig;
  }

  /** The results, in the order LeastAllocated, MostAllocated, spotpack. */
  public List<StrategyResult> run(Workload workload, long seed, Consumer<String> progress) {
    List<StrategyResult> results = new ArrayList<>();
    for (Strategy strategy : Strategy.values()) {
      progress.accept("simulating " + strategy.label() + " ...");
      results.add(new Simulation(workload, strategy, seed, policyConfig).run());
    }
    return results;
  }
}
