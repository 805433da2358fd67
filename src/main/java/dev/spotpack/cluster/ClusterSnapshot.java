package dev.spotpack.cluster;

import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.model.JobExecutors;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.Resources;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One published state of the cluster. A request reads one snapshot and decides over it.
 *
 * <p>Immutable; safe to share across threads.
 */
public record ClusterSnapshot(
    Map<String, NodeInfo> nodes,
    Map<String, Resources> nonZeroRequested,
    Map<String, JobExecutors> jobs,
    Map<String, Map<String, String>> jobAnnotations)
    implements ClusterView {

  public static final ClusterSnapshot EMPTY = new ClusterSnapshot(Map.of(), Map.of(), Map.of(), Map.of());

  /**
   * @param jobAnnotations per job, the {@code spotpack.dev/*} annotations of its most recently
   *     indexed executor (the executor pod template is the same for the whole job); for reports
   */
  public ClusterSnapshot {
    nodes = Map.copyOf(nodes);
    nonZeroRequested = Map.copyOf(nonZeroRequested);
    jobs = Map.copyOf(jobs);
    jobAnnotations = Map.copyOf(jobAnnotations);
  }

  @Override
  public @Nullable NodeInfo node(String name) {
    return nodes.get(name);
  }

  @Override
  public Resources nonZeroRequestedOn(String nodeName) {
    return nonZeroRequested.getOrDefault(nodeName, Resources.NONE);
  }

  @Override
  public JobExecutors job(String jobId) {
    return jobs.getOrDefault(jobId, JobExecutors.NONE);
  }
}
