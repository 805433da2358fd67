package dev.spotpack.kube;

import dev.spotpack.policy.model.ContainerRequests;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.PodResourceSpec;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.requests.PodRequests;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Conversions from fabric8 model objects (and the JSON trees the extender protocol carries) to the
 * policy's immutable model. Uses fabric8 model classes and its serializer only, never the client.
 *
 * <p>Quantities become integers as Go's {@code resource.Quantity} does for the scheduler: cpu
 * {@code MilliValue()}, everything else {@code Value()}, both rounded up.
 *
 * <p>Immutable; safe to share across threads.
 */
public final class KubeModel {
  private final KubernetesSerialization serialization;

  public KubeModel(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /** A pod from the request's JSON tree. */
  public PodInfo podFromJson(JsonNode tree) {
    Pod pod;
    try {
      pod = serialization.convertValue(tree, Pod.class);
    } catch (RuntimeException e) {
      throw new KubeModelException("Pod is not a valid Kubernetes Pod: " + firstLine(e.getMessage()));
    }
    return toPodInfo(pod);
  }

  /** A node from the request's JSON tree (full-Node mode). */
  public NodeInfo nodeFromJson(JsonNode tree) {
    Node node;
    try {
      node = serialization.convertValue(tree, Node.class);
    } catch (RuntimeException e) {
      throw new KubeModelException("Node is not a valid Kubernetes Node: " + firstLine(e.getMessage()));
    }
    return toNodeInfo(node);
  }

  /** Whether the pod has finished: it then holds no resources and no place in its job. */
  public static boolean isTerminated(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  public PodInfo toPodInfo(Pod pod) {
    ObjectMeta meta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
    String namespace = meta.getNamespace() == null || meta.getNamespace().isEmpty() ? "default" : meta.getNamespace();
    String name = meta.getName() == null ? "" : meta.getName();
    // Objects from the API server always carry a UID; a hand-written snapshot may not.
    String uid = meta.getUid() == null || meta.getUid().isEmpty() ? namespace + "/" + name : meta.getUid();
    String where = "pod " + namespace + "/" + name;
    PodSpec spec = pod.getSpec();
    String nodeName = spec == null ? null : spec.getNodeName();
    PodResourceSpec resources = spec == null ? PodResourceSpec.ofContainers() : resourceSpec(spec, where);
    return new PodInfo(
        uid,
        namespace,
        name,
        orEmpty(meta.getLabels()),
        orEmpty(meta.getAnnotations()),
        nodeName == null || nodeName.isEmpty() ? null : nodeName,
        PodRequests.demand(resources));
  }

  public NodeInfo toNodeInfo(Node node) {
    ObjectMeta meta = node.getMetadata() == null ? new ObjectMeta() : node.getMetadata();
    if (meta.getName() == null || meta.getName().isEmpty()) {
      throw new KubeModelException("Node has no metadata.name");
    }
    Map<String, Quantity> allocatable =
        node.getStatus() == null ? null : node.getStatus().getAllocatable();
    return new NodeInfo(
        meta.getName(),
        orEmpty(meta.getLabels()),
        resources(allocatable, "node " + meta.getName() + " status.allocatable"));
  }

  private static PodResourceSpec resourceSpec(PodSpec spec, String where) {
    List<ContainerRequests> containers = new ArrayList<>();
    for (Container c : orEmpty(spec.getContainers())) {
      containers.add(ContainerRequests.regular(requests(c, where)));
    }
    List<ContainerRequests> inits = new ArrayList<>();
    for (Container c : orEmpty(spec.getInitContainers())) {
      boolean sidecar = "Always".equals(c.getRestartPolicy());
      inits.add(new ContainerRequests(requests(c, where), sidecar));
    }
    Resources overhead = resources(spec.getOverhead(), where + " spec.overhead");
    Resources podLevel = Resources.NONE;
    if (spec.getResources() != null && spec.getResources().getRequests() != null) {
      Map<String, Quantity> supported = new TreeMap<>();
      spec.getResources().getRequests().forEach((k, v) -> {
        // Upstream IsSupportedPodLevelResource: cpu, memory and hugepages.
        if (k.equals(Resources.CPU) || k.equals(Resources.MEMORY) || k.startsWith("hugepages-")) {
          supported.put(k, v);
        }
      });
      podLevel = resources(supported, where + " spec.resources.requests");
    }
    return new PodResourceSpec(containers, inits, overhead, podLevel);
  }

  private static Resources requests(Container c, String where) {
    Map<String, Quantity> requests = c.getResources() == null ? null : c.getResources().getRequests();
    return resources(requests, where + " container " + c.getName() + " resources.requests");
  }

  static Resources resources(@Nullable Map<String, Quantity> list, String where) {
    if (list == null || list.isEmpty()) {
      return Resources.NONE;
    }
    Map<String, Long> amounts = new TreeMap<>();
    list.forEach((name, q) -> amounts.put(name, amount(name, q, where)));
    return Resources.of(amounts);
  }

  /** cpu in millicores, anything else in base units; rounded up, as Go's MilliValue/Value. */
  static long amount(String resource, @Nullable Quantity q, String where) {
    if (q == null) {
      return 0;
    }
    BigDecimal value;
    try {
      value = q.getNumericalAmount();
    } catch (RuntimeException e) {
      throw new KubeModelException(where + ": " + resource + "=\"" + q + "\" is not a valid quantity");
    }
    if (Resources.CPU.equals(resource)) {
      value = value.movePointRight(3);
    }
    try {
      return value.setScale(0, RoundingMode.CEILING).longValueExact();
    } catch (ArithmeticException e) {
      throw new KubeModelException(where + ": " + resource + "=\"" + q + "\" is out of range");
    }
  }

  private static <K, V> Map<K, V> orEmpty(@Nullable Map<K, V> m) {
    return m == null ? Map.of() : m;
  }

  private static <T> List<T> orEmpty(@Nullable List<T> l) {
    return l == null ? List.of() : l;
  }

  private static String firstLine(@Nullable String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
