package dev.spotpack.policy.score;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Resource names and their weights for scoring, as {@code NodeResourcesFitArgs.scoringStrategy
 * .resources}. Weights are integers in 1..100, as upstream validates them.
 *
 * <p>Immutable.
 */
public record ResourceWeights(Map<String, Long> byResource) {
  public static final ResourceWeights CPU_AND_MEMORY = of(Map.of("cpu", 1L, "memory", 1L));

  public ResourceWeights {
    byResource = Collections.unmodifiableMap(new LinkedHashMap<>(byResource));
  }

  public static ResourceWeights of(Map<String, Long> weights) {
    return new ResourceWeights(new TreeMap<>(weights));
  }
}
