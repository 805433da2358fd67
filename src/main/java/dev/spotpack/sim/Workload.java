package dev.spotpack.sim;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the simulator runs: node types with prices, the zones they come in, the autoscaler's
 * behaviour, how spot capacity is reclaimed, and the Spark jobs.
 *
 * @param durationMinutes simulated time; jobs still running at the end are cut off
 * @param zones the availability zones; a capacity pool is one instance type in one zone
 * @param jobFailureLostShare a job fails when one reclaim event takes more than this share of its
 *     executors (Spark gives up after repeated fetch failures of lost shuffle data)
 * @param jobRetries how many times a failed job is submitted again (the Spark Operator's restart
 *     policy, an Airflow retry); its node time counts like any other
 *     <p>Immutable.
 */
public record Workload(
    int durationMinutes,
    List<InstanceType> instanceTypes,
    List<String> zones,
    Autoscaler autoscaler,
    SpotReclaims reclaims,
    double jobFailureLostShare,
    int jobRetries,
    List<JobSpec> jobs) {

  /** Three zones, as a region offers and as Karpenter and managed node groups spread over. */
  public static final List<String> DEFAULT_ZONES = List.of("zone-a", "zone-b", "zone-c");

  public static final int DEFAULT_JOB_RETRIES = 2;

  public Workload {
    instanceTypes = List.copyOf(instanceTypes);
    zones = List.copyOf(zones);
    jobs = List.copyOf(jobs);
    if (zones.isEmpty()) {
      throw new IllegalArgumentException("a workload needs at least one zone");
    }
  }

  /** A node type and its hourly prices. */
  public record InstanceType(
      String name, long cpuMillis, long memoryBytes, double onDemandPerHour, double spotPerHour) {}

  /**
   * Karpenter-like provisioning: a pod the scheduler could not place gets a new node of the
   * cheapest type that fits it, ready after {@code provisioningDelayMinutes}; a node empty for
   * {@code emptyNodeTtlMinutes} is removed.
   *
   * @param seesExtender true: an idealised autoscaler that launches what each pending pod can
   *     really use under spotpack's rules (spot within the job's caps, on-demand beyond its spot
   *     share); false: as Karpenter and Cluster Autoscaler really do, it simulates only the in-tree
   *     rules and launches only for pods that fit no existing node by them, so an executor kept off
   *     spot nodes by spotpack gets no node
   * @param spotpackHints whether spotpack's admission webhook runs: executors get its hostname
   *     spread hint and wait behind its placement gate until spotpack releases them with a node
   *     affinity an autoscaler simulates (what {@code manifests/webhook} deploys)
   */
  public record Autoscaler(
      int provisioningDelayMinutes,
      int emptyNodeTtlMinutes,
      boolean seesExtender,
      boolean spotpackHints) {
    public Autoscaler(int provisioningDelayMinutes, int emptyNodeTtlMinutes) {
      this(provisioningDelayMinutes, emptyNodeTtlMinutes, true, false);
    }

    public Autoscaler withSeesExtender(boolean sees) {
      return new Autoscaler(provisioningDelayMinutes, emptyNodeTtlMinutes, sees, spotpackHints);
    }

    public Autoscaler withSpotpackHints(boolean hints) {
      return new Autoscaler(provisioningDelayMinutes, emptyNodeTtlMinutes, seesExtender, hints);
    }
  }

  /**
   * How spot capacity goes away. Two kinds of event: a single node reclaimed on its own, and a pool
   * event that takes a share of one capacity pool's nodes (one instance type in one zone) within a
   * few minutes, as most multi-node interruptions do (docs/simulate.md has the sources). Pool
   * events come at random, and also at the minutes {@code planned} names (what-if scenarios and
   * hand-worked tests).
   *
   * @param nodeReclaimsPerNodeHour single-node reclaims per spot node-hour
   * @param poolEventsPerPoolHour pool events per hour for each pool that has spot nodes
   * @param poolEventNodeShare the share of the pool's nodes one pool event takes (at least one)
   * @param poolEventMinutes the window over which one pool event's nodes go
   * @param planned pool events at given minutes, besides the random ones
   */
  public record SpotReclaims(
      double nodeReclaimsPerNodeHour,
      double poolEventsPerPoolHour,
      double poolEventNodeShare,
      int poolEventMinutes,
      List<PlannedPoolEvent> planned) {
    public static final SpotReclaims DEFAULT = new SpotReclaims(0.01, 0.02, 0.5, 3, List.of());
    public static final SpotReclaims NONE = new SpotReclaims(0, 0, 0.5, 3, List.of());

    public SpotReclaims {
      planned = List.copyOf(planned);
      if (poolEventMinutes < 1) {
        throw new IllegalArgumentException("poolEventMinutes must be at least 1");
      }
    }

    /** Independent single-node reclaims only, at {@code perNodeHour}. */
    public static SpotReclaims independent(double perNodeHour) {
      return new SpotReclaims(
          perNodeHour, 0, DEFAULT.poolEventNodeShare(), DEFAULT.poolEventMinutes(), List.of());
    }
  }

  /** A pool event at a given minute in the pool of {@code instanceType} in {@code zone}. */
  public record PlannedPoolEvent(int minute, String instanceType, String zone) {}

  public Workload withAutoscaler(Autoscaler a) {
    return new Workload(
        durationMinutes, instanceTypes, zones, a, reclaims, jobFailureLostShare, jobRetries, jobs);
  }

  public Workload withReclaims(SpotReclaims r) {
    return new Workload(
        durationMinutes,
        instanceTypes,
        zones,
        autoscaler,
        r,
        jobFailureLostShare,
        jobRetries,
        jobs);
  }

  public Workload withJobRetries(int retries) {
    return new Workload(
        durationMinutes,
        instanceTypes,
        zones,
        autoscaler,
        reclaims,
        jobFailureLostShare,
        retries,
        jobs);
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
