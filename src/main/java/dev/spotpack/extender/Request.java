package dev.spotpack.extender;

import dev.spotpack.kube.KubeModel;
import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.NodeOverlay;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.protocol.ExtenderArgs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A filter or prioritize request converted to the policy's model: the pod, the candidate node
 * names, and in full-Node mode the request's own nodes, which override the cached ones (their
 * labels and allocatable are what the scheduler decided on).
 */
record Request(PodInfo pod, List<String> candidates, Map<String, NodeInfo> requestNodes) {

  static Request of(ExtenderArgs args, KubeModel model) {
    PodInfo pod = model.podOf(args);
    if (args.nodeNamesMode()) {
      return new Request(pod, args.nodeNames(), Map.of());
    }
    List<String> names = new ArrayList<>();
    Map<String, NodeInfo> nodes = new LinkedHashMap<>();
    for (NodeInfo node : model.nodesOf(args)) {
      names.add(node.name());
      nodes.put(node.name(), node);
    }
    return new Request(pod, names, nodes);
  }

  ClusterView view(ClusterView cached) {
    return requestNodes.isEmpty() ? cached : new NodeOverlay(cached, requestNodes);
  }
}
