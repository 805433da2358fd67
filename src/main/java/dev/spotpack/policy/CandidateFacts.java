package dev.spotpack.policy;

import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.spot.NodeFacts;
import dev.spotpack.policy.spot.SpotNodes;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * What {@link SpotPolicy}'s rules read of the candidate at index {@code i} of one filter call: by
 * name, at most one lookup of the node per candidate; by position, none. A large cluster's nodes
 * are spread over memory, and the scan over 5,000 of them is bound by those lookups.
 *
 * <p>One instance per call; not thread-safe.
 */
sealed interface CandidateFacts {
  /** {@link NodeFacts#UNKNOWN}, {@link NodeFacts#ON_DEMAND} or {@link NodeFacts#SPOT}. */
  byte kind(int i);

  /** The pool of a candidate {@link #kind} answered SPOT for. */
  String pool(int i);

  /** {@code byNode} (counts by node name), to be read per candidate. */
  NodeCounts perCandidate(Map<String, Integer> byNode);

  /** A count per node, read for the candidate {@code node} at index {@code i}. */
  @FunctionalInterface
  interface NodeCounts {
    /** The node's count, or null if it has none. */
    @Nullable Integer get(String node, int i);
  }

  /** Looks each candidate up in the view, once (the last node looked up is kept for its pool). */
  final class ByName implements CandidateFacts {
    private final List<String> candidates;
    private final ClusterView view;
    private final SpotNodes spotNodes;
    private int last = -1;
    private @Nullable NodeInfo lastNode;

    ByName(List<String> candidates, ClusterView view, SpotNodes spotNodes) {
      this.candidates = candidates;
      this.view = view;
      this.spotNodes = spotNodes;
    }

    private @Nullable NodeInfo node(int i) {
      if (i != last) {
        lastNode = view.node(candidates.get(i));
        last = i;
      }
      return lastNode;
    }

    @Override
    public byte kind(int i) {
      NodeInfo node = node(i);
      if (node == null) {
        return NodeFacts.UNKNOWN;
      }
      return spotNodes.isSpot(node) ? NodeFacts.SPOT : NodeFacts.ON_DEMAND;
    }

    @Override
    public String pool(int i) {
      NodeInfo node = node(i);
      if (node == null) {
        throw new IllegalStateException("pool of an unknown node");
      }
      return spotNodes.pool(node);
    }

    @Override
    public NodeCounts perCandidate(Map<String, Integer> byNode) {
      return byNode.isEmpty() ? (node, i) -> null : (node, i) -> byNode.get(node);
    }
  }

  /** Reads each candidate's facts at the position the request reader found for its name. */
  record ByPosition(NodeFacts facts, IntUnaryOperator positionOf) implements CandidateFacts {
    @Override
    public byte kind(int i) {
      return facts.kind(positionOf.applyAsInt(i));
    }

    @Override
    public String pool(int i) {
      return facts.pool(positionOf.applyAsInt(i));
    }

    /**
     * The counts by position, sorted, so that a candidate's is found by its position without
     * reading its name (usually a handful: the nodes a job holds at its cap).
     */
    @Override
    public NodeCounts perCandidate(Map<String, Integer> byNode) {
      if (byNode.isEmpty()) {
        return (node, i) -> null;
      }
      long[] byPosition = new long[byNode.size()]; // position in the high half, count in the low
      int n = 0;
      for (Map.Entry<String, Integer> e : byNode.entrySet()) {
        int position = facts.position(e.getKey());
        if (position >= 0) { // a node not among the facts is no candidate's
          byPosition[n++] = ((long) position << 32) | (e.getValue() & 0xFFFFFFFFL);
        }
      }
      long[] sorted = Arrays.copyOf(byPosition, n);
      Arrays.sort(sorted);
      return (node, i) -> {
        long position = positionOf.applyAsInt(i);
        if (position < 0) {
          return null;
        }
        int k = Arrays.binarySearch(sorted, position << 32);
        int at = k >= 0 ? k : -k - 1; // the first entry at or after (position, 0)
        return at < sorted.length && (sorted[at] >>> 32) == position ? (int) sorted[at] : null;
      };
    }
  }
}
