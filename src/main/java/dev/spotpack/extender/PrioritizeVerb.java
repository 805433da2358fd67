package dev.spotpack.extender;

import dev.spotpack.kube.KubeModel;
import dev.spotpack.kube.KubeModelException;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.protocol.ExtenderArgs;
import dev.spotpack.protocol.HostPriorities;
import dev.spotpack.protocol.HostPriority;
import java.util.List;

/**
 * The prioritize verb: MostAllocated on the extender's 0..10 scale for every candidate.
 * kube-scheduler's answer type is a bare array with no error field, so a request spotpack cannot
 * answer is reported by {@link Answer#error()} and the HTTP layer turns it into a non-200 reply;
 * kube-scheduler then ignores this extender's scores for the pod (it always ignores prioritize
 * errors).
 *
 * <p>Thread-safe.
 */
public final class PrioritizeVerb {
  private final SpotPolicy policy;
  private final ClusterSource cluster;
  private final KubeModel model;

  public PrioritizeVerb(SpotPolicy policy, ClusterSource cluster, KubeModel model) {
    this.policy = policy;
    this.cluster = cluster;
    this.model = model;
  }

  /** Scores, or an error message with an empty list. */
  public record Answer(List<HostPriority> scores, Outcome outcome, String error) {}

  public Answer prioritize(ExtenderArgs args) {
    if (!cluster.ready()) {
      return new Answer(List.of(), Outcome.NOT_READY, FilterVerb.NOT_READY);
    }
    Request request;
    try {
      request = Request.of(args, model);
    } catch (KubeModelException e) {
      return new Answer(List.of(), Outcome.BAD_REQUEST, e.getMessage());
    }
    cluster.observe(request.pod());
    long[] scores =
        policy.extenderScores(
            request.pod(), request.candidates(), request.view(cluster.snapshot()));
    return new Answer(HostPriorities.of(request.candidates(), scores), Outcome.OK, "");
  }
}
