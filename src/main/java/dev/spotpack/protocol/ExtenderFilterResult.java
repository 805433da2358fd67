package dev.spotpack.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Upstream {@code ExtenderFilterResult}. kube-scheduler reads {@code NodeNames} when it sent names
 * and {@code Nodes} when it sent a NodeList; answering in the other field empties the feasible set,
 * so the verb always answers in the mode it was asked in.
 */
@JsonPropertyOrder({"Nodes", "NodeNames", "FailedNodes", "FailedAndUnresolvableNodes", "Error"})
public record ExtenderFilterResult(
    @JsonProperty("Nodes") @Nullable JsonNode nodes,
    @JsonProperty("NodeNames") @Nullable List<String> nodeNames,
    @JsonProperty("FailedNodes") @Nullable Map<String, String> failedNodes,
    @JsonProperty("FailedAndUnresolvableNodes")
        @Nullable Map<String, String> failedAndUnresolvableNodes,
    @JsonProperty("Error") String error) {

  /** The whole call failed; kube-scheduler reports it and retries the pod with backoff. */
  public static ExtenderFilterResult error(String message) {
    return new ExtenderFilterResult(null, null, null, null, message);
  }
}
