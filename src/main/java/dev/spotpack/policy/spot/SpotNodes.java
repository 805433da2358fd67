package dev.spotpack.policy.spot;

import dev.spotpack.policy.model.NodeInfo;
import java.util.List;

/**
 * Decides whether a node is spot capacity: it is if its labels match any selector.
 *
 * <p>Immutable.
 */
public record SpotNodes(List<Selector> selectors) {
  /** One label that marks spot capacity, e.g. {@code karpenter.sh/capacity-type=spot}. */
  public record Selector(String key, String value) {
    @Override
    public String toString() {
      return key + "=" + value;
    }
  }

  /** The labels that the major providers and autoscalers put on spot or preemptible nodes. */
  public static final SpotNodes DEFAULT =
      new SpotNodes(
          List.of(
              new Selector("karpenter.sh/capacity-type", "spot"),
              new Selector("eks.amazonaws.com/capacityType", "SPOT"),
              new Selector("cloud.google.com/gke-spot", "true"),
              new Selector("cloud.google.com/gke-preemptible", "true"),
              new Selector("kubernetes.azure.com/scalesetpriority", "spot"),
              new Selector("spotpack.dev/capacity-type", "spot")));

  public SpotNodes {
    selectors = List.copyOf(selectors);
  }

  public boolean isSpot(NodeInfo node) {
    for (Selector s : selectors) {
      if (s.value().equals(node.labels().get(s.key()))) {
        return true;
      }
    }
    return false;
  }
}
