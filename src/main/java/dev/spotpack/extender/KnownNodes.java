package dev.spotpack.extender;

import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.spot.NodeFacts;
import dev.spotpack.policy.spot.SpotNodes;
import dev.spotpack.protocol.ExtenderArgs;
import dev.spotpack.protocol.NameTable;
import java.util.List;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The {@link NameTable} of the cluster's current node names, and the {@link NodeFacts} of the same
 * nodes in the table's entry order, built again only when the node set may have changed:
 * consecutive snapshots share their node map, and so their name set, until a node changes, which is
 * rare next to the calls that read names.
 *
 * <p>Thread-safe: callers that race after a change may each build a table; any of them is right.
 */
final class KnownNodes {
  /**
   * One node map's names and facts.
   *
   * @param names the snapshot's {@link ClusterSnapshot#nodeNames} they were made from: a snapshot
   *     with this very set has the node map the facts describe
   * @param facts by entry of {@code table}
   */
  record Known(Set<String> names, NameTable table, NodeFacts facts) {
    /** Whether {@link #facts} describe {@code snapshot}'s nodes. */
    boolean describes(ClusterSnapshot snapshot) {
      return snapshot.nodeNames() == names;
    }
  }

  /**
   * Each of {@code args}' names' entry in {@code known}'s table, by the name's index, so that a
   * verb reads {@code known}'s facts by position; null when there are none to read: no {@code
   * known}, a node map that changed since its table was built, or the request's own Node objects (a
   * {@code view} that is not {@code snapshot}). The verb then looks each node up by name, as it
   * would without them.
   */
  static @Nullable IntUnaryOperator entries(
      @Nullable Known known, ExtenderArgs args, ClusterView view, ClusterSnapshot snapshot) {
    return known != null && view == snapshot && known.describes(snapshot)
        ? args.nameEntries(known.table())
        : null;
  }

  private final ClusterSource cluster;
  private final SpotNodes spotNodes;
  private volatile Known built;

  KnownNodes(ClusterSource cluster, SpotNodes spotNodes) {
    this.cluster = cluster;
    this.spotNodes = spotNodes;
    this.built =
        new Known(
            Set.of(),
            NameTable.EMPTY,
            NodeFacts.of(List.of(), ClusterSnapshot.EMPTY, spotNodes, NameTable.EMPTY::entry));
  }

  NameTable current() {
    return known().table();
  }

  Known known() {
    Known last = built;
    if (last.names() == cluster.nodeNames()) {
      return last;
    }
    ClusterSnapshot snapshot = cluster.snapshot();
    // one order for both, so that a name's table entry is its position in the facts
    List<String> order = List.copyOf(snapshot.nodeNames());
    NameTable table = NameTable.of(order); // a set's names: entry i is order's i-th
    Known next =
        new Known(
            snapshot.nodeNames(), table, NodeFacts.of(order, snapshot, spotNodes, table::entry));
    built = next;
    return next;
  }
}
