package dev.spotpack.sim;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.PolicyConfig;
import dev.spotpack.policy.SpotPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One strategy over one workload: the minute loop that drives the parts.
 *
 * <p>Each minute: nodes whose launch finished become ready; spot nodes are reclaimed ({@link
 * Reclaims}), their executors lost and asked for again; jobs arrive or are resubmitted, progress,
 * scale and finish ({@link Jobs}); one scheduling pass ({@link Scheduler}); the autoscaler launches
 * and removes nodes ({@link Autoscaler}); the minute is billed and sampled ({@link Ledger}). What
 * the model leaves out is in docs/simulate.md.
 *
 * <p>Single-threaded; deterministic for a seed.
 */
final class Simulation {
  private final Workload workload;
  private final Strategy strategy;
  private final SimCluster cluster;
  private final Ledger ledger = new Ledger();
  private final Jobs jobs;
  private final Scheduler scheduler;
  private final Autoscaler autoscaler;
  private final Reclaims reclaims;

  Simulation(Workload workload, Strategy strategy, long seed, PolicyConfig policyConfig) {
    this.workload = workload;
    this.strategy = strategy;
    this.cluster = new SimCluster(new ClusterState(policyConfig.roles()));
    SpotRules rules =
        strategy.rules(
            new SpotPolicy(policyConfig), cluster.state, workload.autoscaler().spotpackHints());
    this.jobs = new Jobs(workload, cluster, rules, ledger, policyConfig.profiles());
    this.scheduler =
        new Scheduler(
            cluster, rules, strategy.scoring.scorer(policyConfig.scoringWeights()), jobs, ledger);
    this.autoscaler = new Autoscaler(workload, cluster, rules, ledger);
    this.reclaims = new Reclaims(workload.reclaims(), new SplittableRandom(seed));
  }

  StrategyResult run() {
    for (int minute = 0; minute < workload.durationMinutes(); minute++) {
      for (SimNode n : cluster.nodes) {
        if (n.readyAt == minute) {
          cluster.ready(n);
        }
      }
      reclaim(minute);
      jobs.arrivals(minute);
      jobs.progress();
      jobs.scale(minute);
      scheduler.pass(minute);
      autoscaler.provision(minute);
      autoscaler.scaleDown(minute);
      ledger.sample(minute, cluster, jobs.active.values());
    }
    return ledger.result(strategy.label(), jobs);
  }

  /**
   * Reclaims this minute's nodes. A job whose losses in one event (all of a pool event's nodes so
   * far) exceed the failure share of the executors it had when the event first hit it fails;
   * otherwise its progress falls by the share it lost.
   */
  private void reclaim(int minute) {
    for (Reclaims.Hit hit : reclaims.due(minute, cluster.nodes)) {
      SimNode n = hit.node();
      Map<SimJob, Integer> lostByJob = new LinkedHashMap<>();
      for (SimPod pod : n.pods) {
        if (!pod.driver) {
          lostByJob.merge(pod.job, 1, Integer::sum);
          hit.event()
              .losses
              .computeIfAbsent(pod.job, j -> new Reclaims.Loss(j.executors.size(), j.size()));
        }
      }
      lostByJob.forEach((job, lost) -> hit.event().losses.get(job).lost += lost);
      for (SimPod pod : List.copyOf(n.pods)) {
        cluster.remove(pod);
      }
      cluster.removeNode(n);
      ledger.removed(n);
      ledger.reclaimed(minute, hit, lostByJob);
      for (Map.Entry<SimJob, Integer> e : lostByJob.entrySet()) {
        SimJob job = e.getKey();
        Reclaims.Loss loss = hit.event().losses.get(job);
        if (!loss.failed && loss.lost > workload.jobFailureLostShare() * loss.liveBefore) {
          loss.failed = true;
          jobs.fail(job, minute);
        } else if (!job.done) {
          jobs.lost(job, e.getValue() / (double) Math.max(1, loss.liveBefore));
        }
      }
    }
  }
}
