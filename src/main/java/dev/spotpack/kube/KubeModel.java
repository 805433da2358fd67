package dev.spotpack.kube;

import dev.spotpack.policy.ClientText;
import dev.spotpack.policy.model.ContainerRequests;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.PodResourceSpec;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.requests.PodRequests;
import dev.spotpack.protocol.ExtenderArgs;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Conversions from fabric8 model objects (and the JSON trees the extender protocol carries) to the
 * policy's immutable model. Uses fabric8 model classes and its serializer only, never the client.
 *
 * <p>Quantities become integers as Go's {@code resource.Quantity} does for the scheduler: cpu
 * {@code MilliValue()}, everything else {@code Value()}, both rounded up. A quantity is checked
 * against the API server's grammar, with at most {@value #MAX_QUANTITY_LENGTH} characters and a
 * decimal exponent of at most three digits, before any arithmetic: a value such as {@code
 * 1e999999999} is refused by name instead of costing seconds of arithmetic or an overflow.
 *
 * <p>A pod keeps only the labels spotpack reads ({@code keptLabels}) and its {@code spotpack.dev/}
 * annotations: per-pod work and state do not grow with what a pod author adds. A null label or
 * annotation value reads as "", as Go's decoder reads it; a null container as an empty one.
 *
 * <p>Immutable; safe to share across threads.
 */
public final class KubeModel {
  static final int MAX_QUANTITY_LENGTH = 64;
  private static final Pattern QUANTITY =
      Pattern.compile(
          "[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]{1,3})?");
  private static final String SPOTPACK_ANNOTATIONS = "spotpack.dev/";

  /** Decimal exponents 0 to 18 as longs, for {@link #plainAmount}. */
  private static final long[] POWERS_OF_TEN = {
    1L,
    10L,
    100L,
    1_000L,
    10_000L,
    100_000L,
    1_000_000L,
    10_000_000L,
    100_000_000L,
    1_000_000_000L,
    10_000_000_000L,
    100_000_000_000L,
    1_000_000_000_000L,
    10_000_000_000_000L,
    100_000_000_000_000L,
    1_000_000_000_000_000L,
    10_000_000_000_000_000L,
    100_000_000_000_000_000L,
    1_000_000_000_000_000_000L
  };

  private final KubernetesSerialization serialization;
  private final Set<String> keptLabels;

  /**
   * @param keptLabels the label keys the policy reads (PodRoles.labelKeys())
   */
  public KubeModel(KubernetesSerialization serialization, Set<String> keptLabels) {
    this.serialization = serialization;
    this.keptLabels = Set.copyOf(keptLabels);
  }

  /** A pod from the request's JSON tree. */
  public PodInfo podFromJson(JsonNode tree) {
    Pod pod;
    try {
      pod = serialization.convertValue(tree, Pod.class);
    } catch (RuntimeException e) {
      throw new KubeModelException("Pod is not a valid Kubernetes Pod: " + mismatch(e));
    }
    return toPodInfo(pod);
  }

  /** The pod of a filter or prioritize call. */
  public PodInfo podOf(ExtenderArgs args) {
    PodInfo read = args.readPod();
    return read != null ? read : podFromJson(Objects.requireNonNull(args.pod()));
  }

  /**
   * The nodes of a full-Node call (none in NodeNames mode), each named by a non-empty string:
   * checked before conversion, which would read a number as a name.
   */
  public List<NodeInfo> nodesOf(ExtenderArgs args) {
    return args.nodeItems() == null ? List.of() : nodesFromJson(args.nodeItems());
  }

  private List<NodeInfo> nodesFromJson(List<JsonNode> items) {
    List<NodeInfo> nodes = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      JsonNode name = items.get(i).path("metadata").path("name");
      if (!name.isString() || name.stringValue().isEmpty()) {
        throw new KubeModelException(
            "Nodes.items[" + i + "].metadata.name must be a non-empty string");
      }
      nodes.add(nodeFromJson(items.get(i)));
    }
    return nodes;
  }

  /** A node from the request's JSON tree (full-Node mode). */
  public NodeInfo nodeFromJson(JsonNode tree) {
    Node node;
    try {
      node = serialization.convertValue(tree, Node.class);
    } catch (RuntimeException e) {
      throw new KubeModelException("Node is not a valid Kubernetes Node: " + mismatch(e));
    }
    return toNodeInfo(node);
  }

  /** Whether a pod label is one spotpack reads (the others are dropped at the edge). */
  public boolean keepsLabel(String key) {
    return keptLabels.contains(key);
  }

  /** Whether a pod annotation is one spotpack reads: its own. */
  public static boolean keepsAnnotation(String key) {
    return key.startsWith(SPOTPACK_ANNOTATIONS);
  }

  /** The object's resourceVersion, or "" if it has none. */
  public static String resourceVersion(HasMetadata object) {
    ObjectMeta meta = object.getMetadata();
    return meta == null || meta.getResourceVersion() == null ? "" : meta.getResourceVersion();
  }

  /** Whether the pod has finished: it then holds no resources and no place in its job. */
  public static boolean isTerminated(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  public PodInfo toPodInfo(Pod pod) {
    ObjectMeta meta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
    String namespace =
        meta.getNamespace() == null || meta.getNamespace().isEmpty()
            ? "default"
            : meta.getNamespace();
    String name = meta.getName() == null ? "" : meta.getName();
    // Objects from the API server always carry a UID; a hand-written snapshot may not.
    String uid =
        meta.getUid() == null || meta.getUid().isEmpty() ? namespace + "/" + name : meta.getUid();
    Supplier<String> where = () -> "pod " + namespace + "/" + name;
    PodSpec spec = pod.getSpec();
    String nodeName = spec == null ? null : spec.getNodeName();
    PodResourceSpec resources =
        spec == null ? PodResourceSpec.ofContainers() : resourceSpec(spec, where);
    return new PodInfo(
        uid,
        namespace,
        name,
        kept(meta.getLabels(), this::keepsLabel),
        kept(meta.getAnnotations(), KubeModel::keepsAnnotation),
        nodeName == null || nodeName.isEmpty() ? null : nodeName,
        PodRequests.demand(resources),
        ApiTime.parse(meta.getCreationTimestamp()));
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
        kept(meta.getLabels(), key -> true),
        resources(allocatable, () -> "node " + meta.getName() + " status.allocatable"));
  }

  private static PodResourceSpec resourceSpec(PodSpec spec, Supplier<String> where) {
    List<ContainerRequests> containers = new ArrayList<>();
    for (Container c : orEmpty(spec.getContainers())) {
      containers.add(ContainerRequests.regular(c == null ? Resources.NONE : requests(c, where)));
    }
    List<ContainerRequests> inits = new ArrayList<>();
    for (Container c : orEmpty(spec.getInitContainers())) {
      if (c == null) {
        continue; // an empty init container requests nothing and runs before the others
      }
      boolean sidecar = "Always".equals(c.getRestartPolicy());
      inits.add(new ContainerRequests(requests(c, where), sidecar));
    }
    Resources overhead = resources(spec.getOverhead(), () -> where.get() + " spec.overhead");
    Resources podLevel = Resources.NONE;
    if (spec.getResources() != null && spec.getResources().getRequests() != null) {
      Map<String, Quantity> supported = new TreeMap<>();
      spec.getResources()
          .getRequests()
          .forEach(
              (k, v) -> {
                // Upstream IsSupportedPodLevelResource: cpu, memory and hugepages.
                if (k.equals(Resources.CPU)
                    || k.equals(Resources.MEMORY)
                    || k.startsWith("hugepages-")) {
                  supported.put(k, v);
                }
              });
      podLevel = resources(supported, () -> where.get() + " spec.resources.requests");
    }
    return new PodResourceSpec(containers, inits, overhead, podLevel);
  }

  private static Resources requests(Container c, Supplier<String> where) {
    Map<String, Quantity> requests =
        c.getResources() == null ? null : c.getResources().getRequests();
    return resources(
        requests, () -> where.get() + " container " + c.getName() + " resources.requests");
  }

  /**
   * @param where names the field in an error; built only then, as most conversions never fail
   */
  static Resources resources(@Nullable Map<String, Quantity> list, Supplier<String> where) {
    if (list == null || list.isEmpty()) {
      return Resources.NONE;
    }
    Map<String, Long> amounts = new TreeMap<>();
    list.forEach((name, q) -> amounts.put(name, amount(name, q, where)));
    return Resources.of(amounts);
  }

  /** cpu in millicores, anything else in base units; rounded up, as Go's MilliValue/Value. */
  static long amount(String resource, @Nullable Quantity q, Supplier<String> where) {
    if (q == null) {
      return 0;
    }
    long plain = plainAmount(resource, q.getAmount(), q.getFormat());
    return plain >= 0 ? plain : generalAmount(resource, q, where);
  }

  /**
   * The amount of a quantity in the form nearly every object carries (up to 18 digits, then no
   * suffix or one of n u m k M G T P E Ki Mi Gi Ti Pi) in exact integer arithmetic; -1 for any
   * other form and on overflow, which {@link #generalAmount} then decides. Every pod of every watch
   * event and filter call carries such quantities, and the general path's regular expression and
   * decimal arithmetic (fabric8 builds each suffix's multiple anew) were most of a conversion. "Ei"
   * is left to the general path: fabric8 rounds 2^60 to 16 digits, and this path must agree with
   * it.
   */
  static long plainAmount(String resource, @Nullable String digits, @Nullable String suffix) {
    if (digits == null || digits.isEmpty() || digits.length() > 18 || suffix == null) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    int exponent; // of ten
    int shift = 0; // of two
    switch (suffix) {
      case "" -> exponent = 0;
      case "n" -> exponent = -9;
      case "u" -> exponent = -6;
      case "m" -> exponent = -3;
      case "k" -> exponent = 3;
      case "M" -> exponent = 6;
      case "G" -> exponent = 9;
      case "T" -> exponent = 12;
      case "P" -> exponent = 15;
      case "E" -> exponent = 18;
      case "Ki", "Mi", "Gi", "Ti", "Pi" -> {
        exponent = 0;
        shift = 10 * (1 + "KMGTP".indexOf(suffix.charAt(0)));
      }
      default -> {
        return -1;
      }
    }
    if (n == 0) {
      return 0;
    }
    if (Resources.CPU.equals(resource)) {
      exponent += 3; // millicores
    }
    if (exponent > 18 || (shift > 0 && n > (Long.MAX_VALUE >> shift))) {
      return -1;
    }
    long value = n << shift;
    if (exponent >= 0) {
      long power = POWERS_OF_TEN[exponent];
      return value > Long.MAX_VALUE / power ? -1 : value * power;
    }
    long divisor = POWERS_OF_TEN[-exponent];
    return value / divisor + (value % divisor == 0 ? 0 : 1); // rounded up; value >= 0
  }

  /** Any quantity the API server's grammar allows, checked before any arithmetic. */
  static long generalAmount(String resource, Quantity q, Supplier<String> where) {
    String text =
        (q.getAmount() == null ? "" : q.getAmount()) + (q.getFormat() == null ? "" : q.getFormat());
    if (text.length() > MAX_QUANTITY_LENGTH || !QUANTITY.matcher(text).matches()) {
      throw badQuantity(where, resource, text, "is not a valid quantity");
    }
    BigDecimal value;
    try {
      value = q.getNumericalAmount();
    } catch (RuntimeException e) {
      throw badQuantity(where, resource, text, "is not a valid quantity");
    }
    if (Resources.CPU.equals(resource)) {
      value = value.movePointRight(3);
    }
    try {
      return value.setScale(0, RoundingMode.CEILING).longValueExact();
    } catch (ArithmeticException e) {
      throw badQuantity(where, resource, text, "is out of range");
    }
  }

  /** Built only on failure: the message quotes the client's text. */
  private static KubeModelException badQuantity(
      Supplier<String> where, String resource, String text, String problem) {
    return new KubeModelException(
        where.get() + ": " + resource + "=\"" + ClientText.quote(text, 40) + "\" " + problem);
  }

  /** The entries whose key passes, null values read as "" (Go's decoding of null into a string). */
  private static Map<String, String> kept(@Nullable Map<String, String> m, Predicate<String> keep) {
    if (m == null || m.isEmpty()) {
      return Map.of();
    }
    Map<String, String> kept = new TreeMap<>();
    m.forEach(
        (k, v) -> {
          if (k != null && keep.test(k)) {
            kept.put(k, v == null ? "" : v);
          }
        });
    return kept;
  }

  private static <T> List<T> orEmpty(@Nullable List<T> l) {
    return l == null ? List.of() : l;
  }

  /**
   * Where a pod or node does not have the shape of its Kubernetes type, as a field path ("field
   * spec.containers[0].name has the wrong type"), without the converter's Java vocabulary.
   */
  private static String mismatch(RuntimeException e) {
    Throwable t = e;
    while (t != null && !(t instanceof JacksonException)) {
      t = t.getCause();
    }
    if (t instanceof JacksonException je && !je.getPath().isEmpty()) {
      StringBuilder path = new StringBuilder();
      for (JacksonException.Reference ref : je.getPath()) {
        if (ref.getPropertyName() != null) {
          path.append(path.length() == 0 ? "" : ".")
              .append(ClientText.quote(ref.getPropertyName(), 40));
        } else if (ref.getIndex() >= 0) {
          path.append('[').append(ref.getIndex()).append(']');
        }
      }
      return "field " + path + " has the wrong type or value";
    }
    return "its fields do not have the types of a Kubernetes object";
  }
}
