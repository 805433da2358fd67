package dev.spotpack.cluster;

import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.model.JobExecutors;
import dev.spotpack.policy.model.LayeredMap;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.Resources;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * One published state of the cluster. A request reads one snapshot and decides over it.
 *
 * <p>Consecutive snapshots share structure: the node map is reused until a node changes, and the
 * per-node and per-job indexes are {@link LayeredMap}s, so that publishing the change of one pod
 * does not copy the whole cluster (kube-scheduler asks after every bind, and each bind changes the
 * state).
 *
 * <p>Immutable; safe to share across threads.
 */
public final class ClusterSnapshot implements ClusterView {
  public static final ClusterSnapshot EMPTY =
      new ClusterSnapshot(Map.of(), LayeredMap.empty(), LayeredMap.empty(), Map.of());

  private final Map<String, NodeInfo> nodes;
  private final LayeredMap<String, Resources> nonZeroRequested;
  private final LayeredMap<String, JobExecutors> jobs;
  private final Map<String, Map<String, String>> jobAnnotations;

  /**
   * @param nodes immutable
   * @param jobAnnotations immutable; per job, the {@code spotpack.dev/*} annotations of its most
   *     recently indexed executor (the executor pod template is the same for the whole job); for
   *     reports
   */
  ClusterSnapshot(
      Map<String, NodeInfo> nodes,
      LayeredMap<String, Resources> nonZeroRequested,
      LayeredMap<String, JobExecutors> jobs,
      Map<String, Map<String, String>> jobAnnotations) {
    this.nodes = nodes;
    this.nonZeroRequested = nonZeroRequested;
    this.jobs = jobs;
    this.jobAnnotations = jobAnnotations;
  }

  Map<String, NodeInfo> nodes() {
    return nodes;
  }

  /**
   * The nodes' names, the instances the snapshot's maps are keyed by. The same set instance while
   * consecutive snapshots share their node map (until a node changes).
   */
  public Set<String> nodeNames() {
    return nodes.keySet();
  }

  LayeredMap<String, Resources> nonZeroRequested() {
    return nonZeroRequested;
  }

  LayeredMap<String, JobExecutors> jobs() {
    return jobs;
  }

  Map<String, Map<String, String>> jobAnnotations() {
    return jobAnnotations;
  }

  @Override
  public @Nullable NodeInfo node(String name) {
    return nodes.get(name);
  }

  @Override
  public Resources nonZeroRequestedOn(String nodeName) {
    Resources r = nonZeroRequested.get(nodeName);
    return r == null ? Resources.NONE : r;
  }

  @Override
  public JobExecutors job(String jobId) {
    JobExecutors j = jobs.get(jobId);
    return j == null ? JobExecutors.NONE : j;
  }

  /** Every node this view knows, in no particular order. */
  public Collection<NodeInfo> allNodes() {
    return nodes.values();
  }

  /** The jobs with at least one active executor, sorted. */
  public Set<String> jobIds() {
    Set<String> ids = new TreeSet<>();
    jobs.forEach((id, executors) -> ids.add(id));
    return ids;
  }

  /** The job's {@code spotpack.dev/*} annotations, as its latest indexed executor carries them. */
  public Map<String, String> jobAnnotations(String jobId) {
    return jobAnnotations.getOrDefault(jobId, Map.of());
  }
}
