package dev.spotpack.config;

import java.time.Duration;

/**
 * Live-cluster settings.
 *
 * @param assumedPlacementTtl how long a placement spotpack bound (or a pod it saw in a filter call)
 *     counts before the informer confirms it; after that the informer's view wins
 * @param bindTimeout how long one binding POST may take; keep it well inside kube-scheduler's
 *     {@code httpTimeout} (default 5 s)
 * @param bindThreads binds in flight at once
 * @param listPageSize objects per page of the informers' initial list and of {@code explain}'s list
 *     of a live cluster
 *     <p>Immutable.
 */
public record ClusterConfig(
    Duration assumedPlacementTtl, Duration bindTimeout, int bindThreads, int listPageSize) {
  public static final ClusterConfig DEFAULT =
      new ClusterConfig(Duration.ofSeconds(120), Duration.ofMillis(3000), 8, 500);
}
