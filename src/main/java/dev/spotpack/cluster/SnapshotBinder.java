package dev.spotpack.cluster;

import dev.spotpack.bind.BindRequest;
import dev.spotpack.bind.BindResult;
import dev.spotpack.bind.Binder;
import dev.spotpack.policy.model.PodInfo;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The binder of snapshot mode: records the placement in memory, where it counts for every later
 * decision, as a real bind would once the informer reports it. Mirrors the API server's answers:
 * unknown pod, UID mismatch and "already bound elsewhere" are errors; binding again to the same
 * node is accepted, so a retried bind is not counted twice.
 *
 * <p>Thread-safe: the check and the record happen under the state's lock.
 */
public final class SnapshotBinder implements Binder {
  private final ClusterState state;

  public SnapshotBinder(ClusterState state) {
    this.state = state;
  }

  @Override
  public CompletionStage<BindResult> bind(BindRequest request) {
    return CompletableFuture.completedFuture(bindNow(request));
  }

  private BindResult bindNow(BindRequest request) {
    synchronized (state) {
      Optional<PodInfo> found = state.pod(request.namespace(), request.name());
      if (found.isEmpty()) {
        return BindResult.failed(
            "pod "
                + request.podKey()
                + " is not known to spotpack: it is neither in the snapshot nor seen in an earlier"
                + " filter or prioritize call");
      }
      PodInfo pod = found.get();
      if (!request.uid().isEmpty() && !request.uid().equals(pod.uid())) {
        return BindResult.failed(
            "pod " + request.podKey() + " has UID " + pod.uid() + ", not " + request.uid());
      }
      if (!state.hasNode(request.node())) {
        return BindResult.failed("node " + request.node() + " is not in the snapshot");
      }
      if (pod.isBound()) {
        return request.node().equals(pod.nodeName())
            ? BindResult.bound()
            : BindResult.failed(
                "pod " + request.podKey() + " is already bound to node " + pod.nodeName());
      }
      state.upsertPod(pod.boundTo(request.node()));
      return BindResult.bound();
    }
  }
}
