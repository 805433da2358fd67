package dev.spotpack.sim;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the simulator runs: node types with prices, the autoscaler's behaviour, the spot
 * interruption rate, and the Spark jobs.
 *
 * @param durationMinutes simulated time; jobs still running at the end are cut off
 * @param jobFailureLostShare a job fails when one interruption takes more than this share of its
 *     executors (Spark gives up after repeated fetch failures of lost shuffle data)
 *
 * <p>Immutable.
 */
public record Workload(
    int durationMinutes,
    List<InstanceType> instanceTypes,
    Autoscaler autoscaler,
    double spotInterruptionsPerNodeHour,
    double jobFailureLostShare,
    List<JobSpec> jobs) {

  public Workload {
    instanceTypes = List.copyOf(instanceTypes);
    jobs = List.copyOf(jobs);
  }

  /** A node type and its hourly prices. */
  public record InstanceType(String name, long cpuMillis, long memoryBytes, double onDemandPerHour, double spotPerHour) {}

  /**
   * Karpenter-like provisioning: a pod the scheduler could not place gets a new node of the
   * cheapest type that fits it, ready after {@code provisioningDelayMinutes}; a node empty for
   * {@code emptyNodeTtlMinutes} is removed.
   *
   * @param seesExtender true: an idealised autoscaler that provisions for every pod left pending,
   *     respecting spotpack's caps; false: as Karpenter and Cluster Autoscaler really do, it
   *     simulates only the in-tree rules and provisions only for pods that fit no existing node by
   *     resources, so an executor kept off spot nodes by the caps gets no node
   */
  public record Autoscaler(int provisioningDelayMinutes, int emptyNodeTtlMinutes, boolean seesExtender) {
    public Autoscaler(int provisioningDelayMinutes, int emptyNodeTtlMinutes) {
      this(provisioningDelayMinutes, emptyNodeTtlMinutes, true);
    }

    public Autoscaler withSeesExtender(boolean sees) {
      return new Autoscaler(provisioningDelayMinutes, emptyNodeTtlMinutes, sees);
    }
  }

  public Workload withAutoscaler(Autoscaler a) {
    return new Workload(durationMinutes, instanceTypes, a, spotInterruptionsPerNodeHour, jobFailureLostShare, jobs);
  }

  /**
   * One Spark application: a driver (on-demand only) and its executors (spot preferred).
   *
   * @param annotations {@code spotpack.dev/*} annotations its executors carry
   * @param dynamicAllocation null for a fixed executor count
   */
  public record JobSpec(
      String name,
      int arrivalMinute,
      int workMinutes,
      int executors,
      long executorCpuMillis,
      long executorMemoryBytes,
      long driverCpuMillis,
      long driverMemoryBytes,
      Map<String, String> annotations,
      @Nullable DynamicAllocation dynamicAllocation) {
    public JobSpec {
      annotations = Map.copyOf(annotations);
    }
  }

  /**
   * Spark dynamic allocation, simplified to a shape over the job's life: {@code min} executors for
   * the first 20% of its work, {@code executors} (the max) until 70%, then {@code min} again.
   */
  public record DynamicAllocation(int min) {}
}
