package dev.spotpack.protocol;

import dev.spotpack.policy.model.PodInfo;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Upstream {@code ExtenderArgs}, the body of filter and prioritize calls. Exactly one of {@code
 * nodes} and {@code nodeNames} is set: {@code nodeNames} when the extender is {@code
 * nodeCacheCapable}, {@code nodes} (a NodeList) otherwise.
 *
 * @param pod the pod as a JSON tree (Kubernetes camelCase API JSON, usually without kind); null
 *     when {@code readPod} is set
 * @param readPod the pod as already read at the request's uid and resourceVersion (see {@link
 *     ExtenderJson.ReadPods}), or null
 * @param nodeItems the NodeList's {@code items} as JSON trees, or null in NodeNames mode
 * @param schedulerLayout whether the body was laid out exactly as kube-scheduler writes it, and so
 *     read by {@link SchedulerLayout}
 *     <p>Immutable.
 */
public record ExtenderArgs(
    @Nullable JsonNode pod,
    @Nullable PodInfo readPod,
    @Nullable List<JsonNode> nodeItems,
    @Nullable List<String> nodeNames,
    boolean schedulerLayout) {
  public boolean nodeNamesMode() {
    return nodeNames != null;
  }

  /**
   * For each index of {@link #nodeNames}, the name's entry in {@code table} ({@link
   * NameTable#entry}; -1 for a name the table does not hold), so that a caller can read what it
   * keeps per entry without looking each name up again; null unless the names were read by {@link
   * SchedulerLayout} with this very table.
   */
  public @Nullable IntUnaryOperator nameEntries(NameTable table) {
    return nodeNames instanceof RequestNames read ? read.entriesIn(table) : null;
  }
}
