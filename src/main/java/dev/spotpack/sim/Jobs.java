package dev.spotpack.sim;

import dev.spotpack.policy.spot.Profiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jobs' lives: arrival (a driver pod), executors asked for when the driver runs, progress,
 * dynamic allocation, completion, and failure with resubmission. Mutable; one simulation's thread.
 */
final class Jobs {
  private final Workload workload;
  private final SimCluster cluster;
  private final SpotRules rules;
  private final Ledger ledger;
  private final Profiles profiles;

  /** Attempts that arrived and have not ended, in arrival order. */
  final Map<String, SimJob> active = new LinkedHashMap<>();

  private final List<Resubmission> resubmissions = new ArrayList<>();
  private int nextArrival;
  private int completed;
  private int abandoned;

  private record Resubmission(Workload.JobSpec spec, int attempt, int minute) {}

  Jobs(Workload workload, SimCluster cluster, SpotRules rules, Ledger ledger, Profiles profiles) {
    this.workload = workload;
    this.cluster = cluster;
    this.rules = rules;
    this.ledger = ledger;
    this.profiles = profiles;
  }

  /** New jobs of the workload and resubmitted ones whose time has come. */
  void arrivals(int minute) {
    List<Workload.JobSpec> specs = workload.jobs();
    while (nextArrival < specs.size() && specs.get(nextArrival).arrivalMinute() <= minute) {
      arrive(specs.get(nextArrival++), 0, minute);
    }
    for (Resubmission r : List.copyOf(resubmissions)) {
      if (r.minute() <= minute) {
        resubmissions.remove(r);
        arrive(r.spec(), r.attempt(), minute);
      }
    }
  }

  private void arrive(Workload.JobSpec spec, int attempt, int minute) {
    SimJob job = new SimJob(spec, attempt, JobLimits.read(spec.annotations(), profiles));
    active.put(job.id, job);
    cluster.create(job, true, true, minute);
  }

  /** The driver runs: it asks for its executors, returned so that they join the current pass. */
  List<SimPod> start(SimJob job, int minute) {
    job.running = true;
    return scaleUp(job, minute);
  }

  private List<SimPod> scaleUp(SimJob job, int minute) {
    List<SimPod> created = new ArrayList<>();
    while (job.executors.size() < job.wanted()) {
      SimPod executor = cluster.create(job, false, rules.pinsToOnDemand(job), minute);
      rules.created(executor);
      created.add(executor);
    }
    return created;
  }

  /**
   * Each running job advances by (running executors / wanted executors) of a minute of its work.
   */
  void progress() {
    for (SimJob job : List.copyOf(active.values())) {
      if (!job.running) {
        continue;
      }
      long running = job.executors.stream().filter(p -> p.node != null).count();
      job.progress += Math.min(1.0, running / (double) Math.max(1, job.wanted()));
      if (job.progress >= job.spec.workMinutes()) {
        end(job);
        completed++;
      }
    }
  }

  /** Dynamic allocation: ask for executors up to the wanted count, or release the newest. */
  void scale(int minute) {
    for (SimJob job : active.values()) {
      if (!job.running) {
        continue;
      }
      scaleUp(job, minute);
      int wanted = job.wanted();
      for (int i = job.executors.size() - 1; i >= 0 && job.executors.size() > wanted; i--) {
        cluster.remove(job.executors.get(i));
      }
    }
  }

  /**
   * Executors lost to a reclaim: the job recomputes their share of its progress (their shuffle
   * output is gone) and asks for replacements at its next scaling step.
   */
  void lost(SimJob job, double shareOfProgress) {
    job.progress -= job.progress * shareOfProgress;
  }

  /** The job gave up (too much lost at once); it is submitted again while it has retries left. */
  void fail(SimJob job, int minute) {
    if (job.done) {
      return;
    }
    end(job);
    if (job.attempt < workload.jobRetries()) {
      resubmissions.add(new Resubmission(job.spec, job.attempt + 1, minute + 1));
      ledger.jobRetried();
    } else {
      abandoned++;
    }
    ledger.jobFailed();
  }

  private void end(SimJob job) {
    job.done = true;
    job.running = false;
    active.remove(job.id);
    if (job.driver != null) {
      cluster.remove(job.driver);
    }
    List.copyOf(job.executors).forEach(cluster::remove);
  }

  int completed() {
    return completed;
  }

  /** Jobs that failed on their last allowed attempt. */
  int abandoned() {
    return abandoned;
  }

  /**
   * Jobs neither completed nor abandoned when time ran out (running, waiting, or not yet
   * resubmitted).
   */
  int unfinished() {
    return workload.jobs().size() - completed - abandoned;
  }
}
