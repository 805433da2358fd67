package dev.spotpack.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Upstream {@code ExtenderFilterResult}. kube-scheduler reads {@code NodeNames} when it sent names
 * and {@code Nodes} when it sent a NodeList; answering in the other field empties the feasible set,
 * so the verb always answers in the mode it was asked in.
 */
@JsonPropertyOrder({"Nodes", "NodeNames", "FailedNodes", "FailedAndUnresolvableNodes", "Error"})
public record ExtenderFilterResult(
    @JsonProperty("Nodes") @Nullable JsonNode nodes,
    @JsonProperty("NodeNames") @JsonSerialize(using = NodeNamesSerializer.class)
        @Nullable List<String> nodeNames,
    @JsonProperty("FailedNodes") @Nullable Map<String, String> failedNodes,
    @JsonProperty("FailedAndUnresolvableNodes")
        @Nullable Map<String, String> failedAndUnresolvableNodes,
    @JsonProperty("Error") String error) {

  /**
   * The answer to {@code args}, in the mode it was asked in: {@code NodeNames}, or a NodeList of
   * the passing items exactly as the scheduler sent them (upstream uses the returned objects as
   * they are). Items are matched by {@code metadata.name}, which the caller has checked.
   */
  public static ExtenderFilterResult passing(
      ExtenderArgs args, List<String> feasible, Map<String, String> unresolvable) {
    if (args.nodeNamesMode()) {
      return new ExtenderFilterResult(
          null, fromRequest(args.nodeNames(), feasible), Map.of(), unresolvable, "");
    }
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (JsonNode item : args.nodeItems()) {
      byName.putIfAbsent(item.path("metadata").path("name").stringValue(), item);
    }
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    list.putObject("metadata");
    ArrayNode items = list.putArray("items");
    for (String name : feasible) {
      items.add(byName.get(name));
    }
    return new ExtenderFilterResult(list, null, Map.of(), unresolvable, "");
  }

  /**
   * {@code feasible} tied to the request's bytes when the layout reader read {@code candidates} and
   * {@code feasible} keeps their instances in their order, so that writing copies those bytes.
   */
  private static List<String> fromRequest(
      @Nullable List<String> candidates, List<String> feasible) {
    RequestNames kept = candidates instanceof RequestNames read ? read.subsequence(feasible) : null;
    return kept != null ? kept : feasible;
  }

  /** The whole call failed; kube-scheduler reports it and retries the pod with backoff. */
  public static ExtenderFilterResult error(String message) {
    return new ExtenderFilterResult(null, null, null, null, message);
  }
}
