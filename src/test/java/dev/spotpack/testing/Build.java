package dev.spotpack.testing;

import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodDemand;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.PodResourceSpec;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.requests.PodRequests;
import java.util.HashMap;
import java.util.Map;

/**
 * Test builders in the manner of kube-scheduler's {@code st.MakePod()}: start from a valid default
 * and change one thing per call.
 */
public final class Build {
  public static final long GI = 1024L * 1024 * 1024;
  public static final long MI = 1024L * 1024;

  private Build() {}

  public static PodBuilder pod(String name) {
    return new PodBuilder(name);
  }

  /** An executor of {@code job}, pending, requesting 1 cpu and 4 GiB. */
  public static PodBuilder executor(String job, String name) {
    return pod(name).label("spark-app-selector", job).label("spark-role", "executor");
  }

  public static PodBuilder driver(String job, String name) {
    return pod(name).label("spark-app-selector", job).label("spark-role", "driver");
  }

  public static NodeInfo spotNode(String name) {
    return node(name, 16_000, 64 * GI, Map.of("karpenter.sh/capacity-type", "spot"));
  }

  public static NodeInfo onDemandNode(String name) {
    return node(name, 16_000, 64 * GI, Map.of("karpenter.sh/capacity-type", "on-demand"));
  }

  public static NodeInfo node(
      String name, long cpuMillis, long memoryBytes, Map<String, String> labels) {
    return new NodeInfo(name, labels, Resources.cpuMemory(cpuMillis, memoryBytes));
  }

  /** Mutable builder; each test builds its own. */
  public static final class PodBuilder {
    private final String name;
    private String namespace = "spark";
    private String uid;
    private final Map<String, String> labels = new HashMap<>();
    private final Map<String, String> annotations = new HashMap<>();
    private String nodeName;
    private PodResourceSpec spec = PodResourceSpec.ofContainers(Resources.cpuMemory(1000, 4 * GI));

    PodBuilder(String name) {
      this.name = name;
      this.uid = "uid-" + name;
    }

    public PodBuilder namespace(String ns) {
      this.namespace = ns;
      return this;
    }

    public PodBuilder uid(String uid) {
      this.uid = uid;
      return this;
    }

    public PodBuilder label(String k, String v) {
      labels.put(k, v);
      return this;
    }

    public PodBuilder annotate(String k, String v) {
      annotations.put(k, v);
      return this;
    }

    public PodBuilder on(String node) {
      this.nodeName = node;
      return this;
    }

    public PodBuilder requests(long cpuMillis, long memoryBytes) {
      this.spec = PodResourceSpec.ofContainers(Resources.cpuMemory(cpuMillis, memoryBytes));
      return this;
    }

    public PodBuilder spec(PodResourceSpec spec) {
      this.spec = spec;
      return this;
    }

    public PodInfo build() {
      PodDemand demand = PodRequests.demand(spec);
      return new PodInfo(uid, namespace, name, labels, annotations, nodeName, demand);
    }
  }
}
