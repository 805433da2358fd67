package dev.spotpack.policy.spot;

import dev.spotpack.policy.model.NodeInfo;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a node is spot capacity (it is if its labels match any selector) and which
 * capacity pool a spot node belongs to: the values of {@code poolLabels}, by default its instance
 * type and zone, what one correlated reclaim takes nodes from.
 *
 * <p>Immutable.
 */
public record SpotNodes(List<Selector> selectors, List<String> poolLabels) {
  /** The well-known labels Karpenter and the managed node groups of EKS, GKE and AKS set. */
  public static final List<String> DEFAULT_POOL_LABELS =
      List.of("node.kubernetes.io/instance-type", "topology.kubernetes.io/zone");

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
              new Selector("spotpack.dev/capacity-type", "spot")),
          DEFAULT_POOL_LABELS);

  public SpotNodes {
    selectors = List.copyOf(selectors);
    poolLabels = List.copyOf(poolLabels);
  }

  public SpotNodes(List<Selector> selectors) {
    this(selectors, DEFAULT_POOL_LABELS);
  }

  /**
   * What the rules ask of a node, worked out once per node object: whether it is spot, its pool
   * label values (null when one is missing or empty) and its pool's name.
   */
  private record Classified(
      SpotNodes owner, boolean spot, @Nullable List<String> poolValues, String pool)
      implements NodeInfo.Derived {}

  private Classified classified(NodeInfo node) {
    return node.derived(this, SpotNodes::classify);
  }

  private Classified classify(NodeInfo node) {
    boolean spot = false;
    for (Selector s : selectors) {
      if (s.value().equals(node.labels().get(s.key()))) {
        spot = true;
        break;
      }
    }
    List<String> values = readPoolValues(node);
    String pool =
        values != null ? String.join("/", values) : "node " + node.name() + " (no pool labels)";
    return new Classified(this, spot, values, pool);
  }

  /**
   * The node's pool: its pool label values joined by "/" (e.g. {@code m6i.8xlarge/us-east-1a}). A
   * node without one of them is a pool of its own, {@code node NAME (no pool labels)}: spotpack
   * cannot know what it shares a fate with.
   */
  public String pool(NodeInfo node) {
    return classified(node).pool();
  }

  /** Whether the node lacks one of the pool labels (and so is a pool of its own). */
  public boolean lacksPoolLabels(NodeInfo node) {
    return classified(node).poolValues() == null;
  }

  /**
   * The node's pool label values in {@link #poolLabels} order, or null when one of them is missing
   * or empty: what a node affinity must name to exclude the pool.
   */
  public @Nullable List<String> poolValues(NodeInfo node) {
    return classified(node).poolValues();
  }

  private @Nullable List<String> readPoolValues(NodeInfo node) {
    String[] values = new String[poolLabels.size()];
    for (int i = 0; i < values.length; i++) {
      String value = node.labels().get(poolLabels.get(i));
      if (value == null || value.isEmpty()) {
        return null;
      }
      values[i] = value;
    }
    return List.of(values);
  }

  public boolean isSpot(NodeInfo node) {
    return classified(node).spot();
  }
}
