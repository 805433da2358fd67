package dev.spotpack.sim;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.FilterDecision;
import dev.spotpack.policy.NodeScore;
import dev.spotpack.policy.PolicyConfig;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.spot.JobCaps;
import dev.spotpack.policy.spot.PlacementGate;
import dev.spotpack.policy.spot.SpotAnnotations;
import dev.spotpack.policy.spot.SpotLimits;
import dev.spotpack.policy.spot.SpreadHints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * spotpack: executors carry no constraint of their own; the extender's filter and prioritize (the
 * same {@link SpotPolicy} as {@code serve}, over the same {@link ClusterState}) decide in the
 * scheduling pass, and an autoscaler that understands spotpack launches spot capacity within the
 * job's per-node cap and on-demand capacity for executors beyond its spot share.
 */
final class SpotpackRules implements SpotRules {
  private final SpotPolicy policy;
  private final SpotAnnotations annotations;
  private final ClusterState state;
  private final @Nullable SpreadHints spreadHints;
  private final @Nullable PlacementGate gate;

  /**
   * @param hints whether the admission webhook runs: its spread hint and placement gate
   */
  SpotpackRules(SpotPolicy policy, ClusterState state, boolean hints) {
    this.policy = policy;
    this.annotations = new SpotAnnotations(policy.config().profiles());
    this.state = state;
    PolicyConfig config = policy.config();
    this.spreadHints = hints ? new SpreadHints(config.roles(), config.profiles()) : null;
    this.gate =
        hints ? new PlacementGate(config.roles(), config.spotNodes(), config.profiles()) : null;
  }

  @Override
  public void created(SimPod executor) {
    if (spreadHints == null) {
      return;
    }
    if (spreadHints.forPod(executor.info.labels(), executor.info.annotations(), false)
        instanceof SpreadHints.Add add) {
      executor.hostnameSpreadCap = add.maxSkew();
    }
    executor.gated = true;
  }

  /**
   * spotpack's controller: each gated executor in creation order, with the job's executors released
   * for spot and not yet bound counted as the live controller counts them.
   */
  @Override
  public void release(List<SimPod> pending, int minute) {
    if (gate == null) {
      return;
    }
    ClusterView view = state.snapshot();
    Map<SimJob, PlacementGate.InFlight> inFlight = new HashMap<>();
    for (SimPod pod : pending) {
      if (!pod.gated) {
        continue;
      }
      PlacementGate.InFlight flying =
          inFlight.computeIfAbsent(pod.job, SpotpackRules::releasedForSpot);
      PlacementGate.Decision d =
          gate.decide(
              pod.info, view, flying, false, Duration.ofMinutes(minute - pod.createdMinute));
      if (d instanceof PlacementGate.Release r) {
        pod.gated = false;
        pod.release = r;
        inFlight.put(pod.job, flying.plus(r));
      }
    }
  }

  private static PlacementGate.InFlight releasedForSpot(SimJob job) {
    PlacementGate.InFlight flying = PlacementGate.InFlight.NONE;
    for (SimPod e : job.executors) {
      if (e.node == null && !e.gated && e.release != null) {
        flying = flying.plus(e.release);
      }
    }
    return flying;
  }

  @Override
  public boolean pinsToOnDemand(SimJob job) {
    return false;
  }

  @Override
  public Candidates filter(SimPod pod, List<SimNode> fit, int minute) {
    ClusterView view = state.snapshot();
    List<String> names = new ArrayList<>(fit.size());
    fit.forEach(n -> names.add(n.name));
    FilterDecision decision =
        policy.filter(pod.info, names, view, Duration.ofMinutes(minute - pod.createdMinute));
    Set<String> feasible = Set.copyOf(decision.feasible());
    List<SimNode> nodes = new ArrayList<>(feasible.size());
    for (SimNode n : fit) {
      if (feasible.contains(n.name)) {
        nodes.add(n);
      }
    }
    Map<String, Long> scores = new HashMap<>();
    if (nodes.size() > 1) {
      for (NodeScore s : policy.prioritize(pod.info, decision.feasible(), view)) {
        scores.put(s.node(), s.score());
      }
    }
    return new Candidates(nodes, scores);
  }

  @Override
  public Launch launchFor(SimPod executor, int plannedOnSpotForJob) {
    SpotLimits limits =
        ((SpotAnnotations.Valid) annotations.read(executor.info.annotations())).limits();
    SimJob job = executor.job;
    JobCaps caps = limits.caps(job.executors.size());
    if (caps.noSpot()) {
      return Launch.ON_DEMAND;
    }
    if (caps.spotShare().isPresent()
        && job.executorsOnSpot() + plannedOnSpotForJob + 1 > caps.spotShare().getAsInt()) {
      return Launch.ON_DEMAND;
    }
    return new Launch(true, caps.perNode(), caps.perPool());
  }
}
