package dev.spotpack.extender;

import dev.spotpack.kube.KubeModel;
import dev.spotpack.kube.KubeModelException;
import dev.spotpack.policy.FilterDecision;
import dev.spotpack.policy.Rejection;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.protocol.ExtenderArgs;
import dev.spotpack.protocol.ExtenderFilterResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

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

  /** How long the pod has existed, from its creationTimestamp; zero if it has none. */
  private Duration pendingFor(JsonNode pod) {
    JsonNode created = pod.path("metadata").path("creationTimestamp");
    if (!created.isString()) {
      return Duration.ZERO;
    }
    try {
      Duration age = Duration.between(Instant.parse(created.stringValue()), clock.instant());
      return age.isNegative() ? Duration.ZERO : age;
    } catch (DateTimeParseException e) {
      return Duration.ZERO;
    }
  }

  /** The result and how it ended, for metrics and logs. */
  public record Answer(
      ExtenderFilterResult result,
      Outcome outcome,
      FilterDecision decision,
      String podKey,
      boolean capsRelaxed) {
    /** A body that is not a valid ExtenderArgs: answered with {@code Error}, nothing decided. */
    public static Answer badRequest(String message) {
      return new Answer(ExtenderFilterResult.error(message), Outcome.BAD_REQUEST, EMPTY, "", false);
    }
  }

  public Answer filter(ExtenderArgs args) {
    if (!cluster.ready()) {
      return new Answer(ExtenderFilterResult.error(NOT_READY), Outcome.NOT_READY, EMPTY, "", false);
    }
    Request request;
    try {
      request = Request.of(args, model);
    } catch (KubeModelException e) {
      return Answer.badRequest(e.getMessage());
    }
    cluster.observe(request.pod());
    ClusterView view = request.view(cluster.snapshot());
    Duration pendingFor = pendingFor(args.pod());
    FilterDecision decision = policy.filter(request.pod(), request.candidates(), view, pendingFor);
    if (!decision.cappedFeasible().isEmpty()) {
      cluster.inFlight(request.pod(), decision.cappedFeasible());
    }

    Map<String, String> unresolvable = new LinkedHashMap<>();
    for (Map.Entry<String, Rejection> e : decision.rejected().entrySet()) {
      unresolvable.put(e.getKey(), e.getValue().message());
    }
    ExtenderFilterResult result =
        args.nodeNamesMode()
            ? new ExtenderFilterResult(null, decision.feasible(), Map.of(), unresolvable, "")
            : new ExtenderFilterResult(
                nodeList(args.nodeItems(), decision.feasible()), null, Map.of(), unresolvable, "");
    Outcome outcome = decision.feasible().isEmpty() ? Outcome.NO_FIT : Outcome.OK;
    return new Answer(
        result,
        outcome,
        decision,
        request.pod().key(),
        policy.capsRelaxed(request.pod(), pendingFor));
  }

  private static final FilterDecision EMPTY = new FilterDecision(List.of(), Map.of());

  /**
   * The passing nodes as a NodeList, each item exactly as the scheduler sent it (upstream uses the
   * returned objects as they are).
   */
  private static JsonNode nodeList(List<JsonNode> items, List<String> feasible) {
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      byName.putIfAbsent(Request.nodeName(items.get(i), i), items.get(i));
    }
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    list.putObject("metadata");
    List<JsonNode> kept = new ArrayList<>(feasible.size());
    for (String name : feasible) {
      kept.add(byName.get(name));
    }
    list.putArray("items").addAll(kept);
    return list;
  }
}
