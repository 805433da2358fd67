package dev.spotpack.extender;

import dev.spotpack.protocol.NameTable;
import java.util.Set;

/**
 * The {@link NameTable} of the cluster's current node names, built again only when the node set may
 * have changed: consecutive snapshots share their node map, and so their name set, until a node
 * changes, which is rare next to the calls that read names.
 *
 * <p>Thread-safe: callers that race after a change may each build a table; any of them is right.
 */
final class KnownNodeNames {
  private record Built(Set<String> names, NameTable table) {}

  private final ClusterSource cluster;
  private volatile Built built = new Built(Set.of(), NameTable.EMPTY);

  KnownNodeNames(ClusterSource cluster) {
    this.cluster = cluster;
  }

  NameTable current() {
    Set<String> names = cluster.nodeNames();
    Built last = built;
    if (last.names() == names) {
      return last.table();
    }
    Built next = new Built(names, NameTable.of(names));
    built = next;
    return next.table();
  }
}
