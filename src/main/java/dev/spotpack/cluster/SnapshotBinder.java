package dev.spotpack.cluster;

import dev.spotpack.bind.BindRequest;
import dev.spotpack.bind.BindResult;
import dev.spotpack.bind.Binder;
import dev.spotpack.policy.model.PodInfo;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The binder of snapshot mode: records the placement in memory, where it counts for every later
 * decision, as a real bind would once the informer reports it. Mirrors the API server's answers:
 * unknown pod, UID mismatch and "already bound elsewhere" are errors; binding again to the same
 * node is accepted, so a retried bind is not counted twice.
 *
 * <p>Thread-safe: {@link ClusterState#bindInSnapshot} checks and records under one lock.
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
    SnapshotBinding done =
        state.bindInSnapshot(request.namespace(), request.name(), request.uid(), request.node());
    PodInfo pod = done.pod();
    return switch (done.outcome()) {
      case BOUND -> BindResult.bound();
      case UNKNOWN_POD ->
          BindResult.failed(
              "pod "
                  + request.podKey()
                  + " is not known to spotpack: it is neither in the snapshot nor seen in an"
                  + " earlier filter or prioritize call");
      case OTHER_UID ->
          BindResult.failed(
              "pod " + request.podKey() + " has UID " + pod.uid() + ", not " + request.uid());
      case UNKNOWN_NODE -> BindResult.failed("node " + request.node() + " is not in the snapshot");
      case BOUND_ELSEWHERE ->
          BindResult.failed(
              "pod " + request.podKey() + " is already bound to node " + pod.nodeName());
    };
  }
}
