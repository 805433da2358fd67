/**
 * The cluster state spotpack decides over: nodes, per-node requested resources and per-job executor
 * placement, kept up to date incrementally and published as immutable snapshots.
 *
 * <p>Import rule: JDK, {@code org.jspecify}, {@code policy}, {@code bind} (the snapshot-mode
 * binder) and Caffeine (the expiring placement records). No fabric8, Vert.x or Jackson: the feeds
 * (snapshot file, informers) convert at their edge.
 */
@NullMarked
package dev.spotpack.cluster;

import org.jspecify.annotations.NullMarked;
