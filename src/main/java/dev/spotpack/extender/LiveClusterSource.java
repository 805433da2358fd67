package dev.spotpack.extender;

import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.FilterDecision;
import dev.spotpack.policy.model.PodInfo;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The cluster of {@code serve} against an API server: ready once the informers have synced; a pod
 * seen in a filter call before the informer shows it counts as pending for a while (see {@link
 * ClusterState#observe}).
 *
 * <p>Thread-safe.
 */
public final class LiveClusterSource implements ClusterSource {
  private final ClusterState state;
  private final BooleanSupplier synced;

  public LiveClusterSource(ClusterState state, BooleanSupplier synced) {
    this.state = state;
    this.synced = synced;
  }

  @Override
  public boolean ready() {
    return synced.getAsBoolean();
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
  public @Nullable PodInfo pendingPod(String uid, String resourceVersion) {
    return state.pendingPod(uid, resourceVersion);
  }

  @Override
  public void observe(PodInfo pod) {
    state.observe(pod);
  }

  @Override
  public void filtered(PodInfo pod, FilterDecision decision) {
    state.filtered(pod, decision.inFlight());
  }
}
