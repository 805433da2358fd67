package dev.spotpack.policy.model;

import java.util.Map;

/**
 * What the policy knows of a node: its name, labels (which decide whether it is spot) and
 * allocatable resources.
 *
 * <p>Immutable.
 */
public record NodeInfo(String name, Map<String, String> labels, Resources allocatable) {
  public NodeInfo {
    labels = Map.copyOf(labels);
  }
}
