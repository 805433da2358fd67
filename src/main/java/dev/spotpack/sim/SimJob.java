package dev.spotpack.sim;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One attempt at running a job: a resubmitted job is a new Spark application with an id of its own
 * ({@code name-retryK}), as the Spark Operator's restarts are.
 */
final class SimJob {
  final Workload.JobSpec spec;
  final String id;
  final int attempt;
  final JobLimits limits;
  @Nullable SimPod driver;
  final List<SimPod> executors = new ArrayList<>();
  double progress;
  boolean running;
  boolean done;

  SimJob(Workload.JobSpec spec, int attempt, JobLimits limits) {
    this.spec = spec;
    this.attempt = attempt;
    this.id = attempt == 0 ? spec.name() : spec.name() + "-retry" + attempt;
    this.limits = limits;
  }

  /** Executors the job asks for now (dynamic allocation follows the shape of its work). */
  int wanted() {
    Workload.DynamicAllocation da = spec.dynamicAllocation();
    if (da == null) {
      return spec.executors();
    }
    double at = progress / spec.workMinutes();
    return at < 0.2 || at >= 0.7 ? da.min() : spec.executors();
  }

  int executorsOnSpot() {
    int n = 0;
    for (SimPod p : executors) {
      if (p.onSpot()) {
        n++;
      }
    }
    return n;
  }

  /** Executors of the job on the spot nodes of {@code pool}. */
  int executorsInPool(String pool) {
    int n = 0;
    for (SimPod p : executors) {
      if (p.onSpot() && p.node.pool().equals(pool)) {
        n++;
      }
    }
    return n;
  }

  /** The simulator's own job size N = max(declared size, live executors). */
  int size() {
    return limits.jobSize(executors.size());
  }
}
