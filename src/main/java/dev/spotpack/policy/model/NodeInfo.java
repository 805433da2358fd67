package dev.spotpack.policy.model;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * What the policy knows of a node: its name, labels (which decide whether it is spot) and
 * allocatable resources.
 *
 * <p>Immutable.
 */
public record NodeInfo(String name, Map<String, String> labels, Resources allocatable) {
  public NodeInfo {
    // not Map.copyOf: its open addressing is quadratic when many keys share a hashCode, and a full
    // Node object in a request can carry any labels; HashMap's tree bins keep that O(n log n)
    labels = Collections.unmodifiableMap(new HashMap<>(labels));
  }
}
