package dev.spotpack.extender;

import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.kube.KubeModelException;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.protocol.ExtenderArgs;
import dev.spotpack.protocol.HostPriorities;
import dev.spotpack.protocol.HostPriority;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;

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
    return prioritize(args, null);
  }

  /**
   * As {@link #prioritize(ExtenderArgs)}; with {@code known} (whose table read {@code args}), each
   * candidate's allocatable is read by its entry instead of looking the node up, whenever those
   * facts describe the very snapshot scored on (as {@link FilterVerb} does).
   */
  Answer prioritize(ExtenderArgs args, KnownNodes.@Nullable Known known) {
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
    ClusterSnapshot snapshot = cluster.snapshot();
    ClusterView view = request.view(snapshot);
    IntUnaryOperator entries = KnownNodes.entries(known, args, view, snapshot);
    long[] scores =
        entries == null
            ? policy.extenderScores(request.pod(), request.candidates(), view)
            : policy.extenderScores(
                request.pod(), request.candidates(), view, known.facts(), entries);
    return new Answer(HostPriorities.of(request.candidates(), scores), Outcome.OK, "");
  }
}
