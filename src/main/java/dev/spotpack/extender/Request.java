package dev.spotpack.extender;

import dev.spotpack.kube.KubeModel;
import dev.spotpack.kube.KubeModelException;
import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.NodeOverlay;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.protocol.ExtenderArgs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A filter or prioritize request converted to the policy's model: the pod, the candidate node
 * names, and in full-Node mode the request's own nodes, which override the cached ones (their
 * labels and allocatable are what the scheduler decided on).
 */
record Request(PodInfo pod, List<String> candidates, Map<String, NodeInfo> requestNodes) {

  static Request of(ExtenderArgs args, KubeModel model) {
    PodInfo pod = model.podFromJson(args.pod());
    if (args.nodeNamesMode()) {
      return new Request(pod, args.nodeNames(), Map.of());
    }
    List<String> names = new ArrayList<>();
    Map<String, NodeInfo> nodes = new LinkedHashMap<>();
    for (int i = 0; i < args.nodeItems().size(); i++) {
      JsonNode item = args.nodeItems().get(i);
      nodeName(item, i); // checked before conversion: the converter would read a number as a name
      NodeInfo node = model.nodeFromJson(item);
      names.add(node.name());
      nodes.put(node.name(), node);
    }
    return new Request(pod, names, nodes);
  }

  ClusterView view(ClusterView cached) {
    return requestNodes.isEmpty() ? cached : new NodeOverlay(cached, requestNodes);
  }

  /** The name of {@code Nodes.items[index]}, which must be a non-empty string. */
  static String nodeName(JsonNode item, int index) {
    JsonNode name = item.path("metadata").path("name");
    if (!name.isString() || name.stringValue().isEmpty()) {
      throw new KubeModelException(
          "Nodes.items[" + index + "].metadata.name must be a non-empty string");
    }
    return name.stringValue();
  }
}
