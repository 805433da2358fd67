package dev.spotpack.policy.model;

import org.jspecify.annotations.Nullable;

/**
 * A consistent, read-only view of the cluster for one decision. Implementations are immutable
 * snapshots; a request reads one view and decides over it, so concurrent changes never tear a
 * decision.
 */
public interface ClusterView {
  /** The node, or null if this view has never seen it. */
  @Nullable NodeInfo node(String name);

  /**
   * Sum of the non-zero requests of the pods on the node (bound, or placed by our own bind and not
   * yet reported): upstream's {@code NodeInfo.NonZeroRequested} for cpu and memory, the plain sum
   * for other resources.
   */
  Resources nonZeroRequestedOn(String nodeName);

  /** The job's active executors; {@link JobExecutors#NONE} for a job this view has never seen. */
  JobExecutors job(String jobId);
}
