package dev.spotpack.extender;

import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.kube.KubeModelException;
import dev.spotpack.policy.FilterDecision;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.SpotNodes;
import dev.spotpack.protocol.ExtenderArgs;
import dev.spotpack.protocol.ExtenderFilterResult;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The filter verb. Answers in the mode it was asked in ({@code NodeNames} for names, a NodeList in
 * {@code Nodes} for full objects), puts every spotpack rejection in {@code
 * FailedAndUnresolvableNodes} (preemption cannot change the spot rules) and uses {@code Error} only
 * when it cannot decide: a malformed request, or a cluster state not yet synced.
 *
 * <p>Thread-safe.
 */
public final class FilterVerb {
  static final String NOT_READY = "not ready: cluster state not synced";

  private final SpotPolicy policy;
  private final ClusterSource cluster;
  private final KubeModel model;
  private final Clock clock;

  public FilterVerb(SpotPolicy policy, ClusterSource cluster, KubeModel model, Clock clock) {
    this.policy = policy;
    this.cluster = cluster;
    this.model = model;
    this.clock = clock;
  }

  /** The result and how it ended, for metrics and logs. */
  public record Answer(
      ExtenderFilterResult result, Outcome outcome, FilterDecision decision, String podKey) {
    /** A body that is not a valid ExtenderArgs: answered with {@code Error}, nothing decided. */
    public static Answer badRequest(String message) {
      return new Answer(ExtenderFilterResult.error(message), Outcome.BAD_REQUEST, EMPTY, "");
    }
  }

  /**
   * Reads the request, decides from one snapshot, then writes what it learnt once: the pod is
   * known, and in flight to the capped nodes it may now be bound to.
   */
  public Answer filter(ExtenderArgs args) {
    return filter(args, null);
  }

  /** The classification of spot nodes the policy decides with. */
  SpotNodes spotNodes() {
    return policy.config().spotNodes();
  }

  /**
   * As {@link #filter(ExtenderArgs)}; with {@code known} (whose table read {@code args}), the
   * policy reads each candidate's facts by its entry instead of looking the node up, whenever those
   * facts describe the very snapshot decided on.
   */
  Answer filter(ExtenderArgs args, KnownNodes.@Nullable Known known) {
    if (!cluster.ready()) {
      return new Answer(ExtenderFilterResult.error(NOT_READY), Outcome.NOT_READY, EMPTY, "");
    }
    Request request;
    try {
      request = Request.of(args, model);
    } catch (KubeModelException e) {
      return Answer.badRequest(e.getMessage());
    }
    PodInfo pod = request.pod();
    ClusterSnapshot snapshot = cluster.snapshot();
    ClusterView view = request.view(snapshot);
    Duration pendingFor = pod.age(clock.instant());
    IntUnaryOperator entries = KnownNodes.entries(known, args, view, snapshot);
    FilterDecision decision =
        entries == null
            ? policy.filter(pod, request.candidates(), view, pendingFor)
            : policy.filter(pod, request.candidates(), view, pendingFor, known.facts(), entries);
    cluster.filtered(pod, decision);

    Map<String, String> unresolvable = new LinkedHashMap<>();
    decision.rejected().forEach((node, rejection) -> unresolvable.put(node, rejection.message()));
    Outcome outcome = decision.feasible().isEmpty() ? Outcome.NO_FIT : Outcome.OK;
    return new Answer(
        ExtenderFilterResult.passing(args, decision.feasible(), unresolvable),
        outcome,
        decision,
        pod.key());
  }

  private static final FilterDecision EMPTY = new FilterDecision(List.of(), Map.of());
}
