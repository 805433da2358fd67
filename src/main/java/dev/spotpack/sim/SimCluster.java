package dev.spotpack.sim;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodDemand;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The simulated cluster: nodes, pods and the pending queue, mirrored into the same {@link
 * ClusterState} that {@code serve} keeps, so that spotpack's policy sees what it would see live.
 * Mutable; one simulation's thread only.
 */
final class SimCluster {
  static final String CAPACITY_TYPE = "karpenter.sh/capacity-type";
  static final String INSTANCE_TYPE = "node.kubernetes.io/instance-type";
  static final String ZONE = "topology.kubernetes.io/zone";

  final List<SimNode> nodes = new ArrayList<>();
  final List<SimPod> pending = new ArrayList<>();
  final ClusterState state;
  private int nextNodeId;
  private int nextPodId;

  SimCluster(ClusterState state) {
    this.state = state;
  }

  SimNode launch(Workload.InstanceType type, String zone, boolean spot, int readyAt) {
    SimNode n = new SimNode((spot ? "spot-" : "od-") + (nextNodeId++), type, zone, spot, readyAt);
    nodes.add(n);
    return n;
  }

  /** The node is ready: kube-scheduler and spotpack see it from now on. */
  void ready(SimNode n) {
    state.upsertNode(
        new NodeInfo(
            n.name, n.labels(), Resources.cpuMemory(n.type.cpuMillis(), n.type.memoryBytes())));
  }

  SimPod create(SimJob job, boolean driver, boolean onDemandOnly, int minute) {
    String uid = job.id + (driver ? "-driver-" : "-exec-") + (nextPodId++);
    long cpu = driver ? job.spec.driverCpuMillis() : job.spec.executorCpuMillis();
    long memory = driver ? job.spec.driverMemoryBytes() : job.spec.executorMemoryBytes();
    Map<String, String> labels =
        Map.of("spark-app-selector", job.id, "spark-role", driver ? "driver" : "executor");
    PodDemand demand =
        new PodDemand(Resources.cpuMemory(cpu, memory), Resources.cpuMemory(cpu, memory));
    PodInfo info =
        new PodInfo(
            uid, "spark", uid, labels, driver ? Map.of() : job.spec.annotations(), null, demand);
    SimPod pod = new SimPod(uid, job, driver, onDemandOnly, cpu, memory, info, minute);
    if (driver) {
      job.driver = pod;
    } else {
      job.executors.add(pod);
    }
    pending.add(pod);
    state.upsertPod(info);
    return pod;
  }

  void place(SimPod pod, SimNode n) {
    pending.remove(pod);
    pod.node = n;
    n.pods.add(pod);
    n.everHeldAPod = true;
    n.cpuRequested += pod.cpu;
    n.memoryRequested += pod.memory;
    pod.info = pod.info.boundTo(n.name);
    state.upsertPod(pod.info);
  }

  /** The pod is gone: finished, released by dynamic allocation, or lost with its node. */
  void remove(SimPod pod) {
    pending.remove(pod);
    SimNode n = pod.node;
    if (n != null) {
      n.pods.remove(pod);
      n.cpuRequested -= pod.cpu;
      n.memoryRequested -= pod.memory;
      pod.node = null;
    }
    if (pod.driver) {
      pod.job.driver = null;
    } else {
      pod.job.executors.remove(pod);
    }
    state.removePod(pod.uid);
  }

  /**
   * Removes an empty node (scale-down) or one whose pods the caller has already removed (reclaim).
   */
  void removeNode(SimNode n) {
    nodes.remove(n);
    state.removeNode(n.name);
  }

  List<SimNode> readyNodes(int minute) {
    List<SimNode> ready = new ArrayList<>(nodes.size());
    for (SimNode n : nodes) {
      if (n.ready(minute)) {
        ready.add(n);
      }
    }
    return ready;
  }
}
