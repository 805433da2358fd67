package dev.spotpack.extender;

import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.FilterDecision;
import dev.spotpack.policy.model.PodInfo;
import java.util.Set;

/**
 * The cluster of {@code serve --snapshot}: always ready once loaded, and it learns pods from the
 * verbs, since no informer tells it of them.
 *
 * <p>Thread-safe.
 */
public final class SnapshotClusterSource implements ClusterSource {
  private final ClusterState state;

  public SnapshotClusterSource(ClusterState state) {
    this.state = state;
  }

  @Override
  public boolean ready() {
    return true;
  }

  @Override
  public ClusterSnapshot snapshot() {
    return state.snapshot();
  }

  @Override
  public Set<String> nodeNames() {
    return state.nodeNames();
  }

  @Override
  public void observe(PodInfo pod) {
    // A pod the snapshot already holds keeps its recorded state (it may have been bound by us).
    state.addIfAbsent(pod.boundTo(null));
  }

  /**
   * The pod becomes known; where it may go is not recorded: in snapshot mode the caller (a person
   * with curl, a test) binds explicitly, and a filter call must not change the next one's answer.
   */
  @Override
  public void filtered(PodInfo pod, FilterDecision decision) {
    observe(pod);
  }
}
