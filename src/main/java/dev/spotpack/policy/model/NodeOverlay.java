package dev.spotpack.policy.model;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A view whose node objects come from the request (kube-scheduler's full-Node mode, {@code
 * nodeCacheCapable: false}) while pod-derived state comes from the underlying view. The request's
 * labels and allocatable win because they are what the scheduler itself decided on.
 *
 * <p>Immutable if its parts are.
 */
public record NodeOverlay(ClusterView base, Map<String, NodeInfo> requestNodes)
    implements ClusterView {
  public NodeOverlay {
    requestNodes = Map.copyOf(requestNodes);
  }

  @Override
  public @Nullable NodeInfo node(String name) {
    NodeInfo fromRequest = requestNodes.get(name);
    return fromRequest != null ? fromRequest : base.node(name);
  }

  @Override
  public Resources nonZeroRequestedOn(String nodeName) {
    return base.nonZeroRequestedOn(nodeName);
  }

  @Override
  public JobExecutors job(String jobId) {
    return base.job(jobId);
  }
}
