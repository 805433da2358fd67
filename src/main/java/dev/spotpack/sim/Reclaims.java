package dev.spotpack.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * When spot nodes are reclaimed. Each minute, in a fixed order so that a seed gives one stream:
 * each pool with ready spot nodes starts a pool event with probability (events per pool-hour)/60,
 * which picks ceil(share x the pool's nodes) of them at random and reclaims each at a random minute
 * of its window; then each ready spot node is reclaimed on its own with probability (reclaims per
 * node-hour)/60. Pool events the workload plans start at their minute. Mutable; one simulation's
 * thread.
 */
final class Reclaims {
  private final Workload.SpotReclaims params;
  private final SplittableRandom rng;
  private final List<Scheduled> scheduled = new ArrayList<>();
  private final Map<String, Event> openPoolEvents = new HashMap<>();
  private int nextEvent;

  Reclaims(Workload.SpotReclaims params, SplittableRandom rng) {
    this.params = params;
    this.rng = rng;
  }

  /**
   * One reclaim event: a pool event (several nodes of one pool) or a single node. It remembers what
   * it has taken from each job so far, since a job fails on what one event takes in all.
   */
  static final class Event {
    final int id;
    final @Nullable String pool;
    final int lastMinute;
    final Map<SimJob, Loss> losses = new LinkedHashMap<>();

    Event(int id, @Nullable String pool, int lastMinute) {
      this.id = id;
      this.pool = pool;
      this.lastMinute = lastMinute;
    }

    boolean isPoolEvent() {
      return pool != null;
    }
  }

  /**
   * What one event took from one job: {@code liveBefore} executors alive when it first hit the job
   * and {@code jobSize} its N then (the denominator of the failure rule and of the caps).
   */
  static final class Loss {
    final int liveBefore;
    final int jobSize;
    int lost;
    boolean failed;

    Loss(int liveBefore, int jobSize) {
      this.liveBefore = liveBefore;
      this.jobSize = jobSize;
    }
  }

  /** A node to reclaim now, and the event it belongs to. */
  record Hit(SimNode node, Event event) {}

  private record Scheduled(SimNode node, Event event, int minute) {}

  List<Hit> due(int minute, List<SimNode> nodes) {
    Map<String, List<SimNode>> pools = new TreeMap<>();
    List<SimNode> spot = new ArrayList<>();
    for (SimNode n : nodes) {
      if (n.spot && n.ready(minute)) {
        spot.add(n);
        pools.computeIfAbsent(n.pool(), k -> new ArrayList<>()).add(n);
      }
    }
    openPoolEvents.values().removeIf(e -> e.lastMinute < minute);
    double poolChance = params.poolEventsPerPoolHour() / 60.0;
    for (Map.Entry<String, List<SimNode>> pool : pools.entrySet()) {
      if (poolChance > 0
          && rng.nextDouble() < poolChance
          && !openPoolEvents.containsKey(pool.getKey())) {
        startPoolEvent(pool.getKey(), pool.getValue(), minute);
      }
    }
    for (Workload.PlannedPoolEvent planned : params.planned()) {
      String pool = planned.instanceType() + "/" + planned.zone();
      if (planned.minute() == minute
          && pools.containsKey(pool)
          && !openPoolEvents.containsKey(pool)) {
        startPoolEvent(pool, pools.get(pool), minute);
      }
    }
    List<Hit> hits = new ArrayList<>();
    double nodeChance = params.nodeReclaimsPerNodeHour() / 60.0;
    for (SimNode n : spot) {
      // one draw per ready spot node and minute, in node order: the stream is the same for a seed
      if (nodeChance > 0 && rng.nextDouble() < nodeChance) {
        hits.add(new Hit(n, new Event(nextEvent++, null, minute)));
      }
    }
    for (Scheduled s : List.copyOf(scheduled)) {
      if (s.minute() == minute) {
        scheduled.remove(s);
        if (nodes.contains(s.node()) && hits.stream().noneMatch(h -> h.node() == s.node())) {
          hits.add(new Hit(s.node(), s.event()));
        }
      }
    }
    return hits;
  }

  private void startPoolEvent(String pool, List<SimNode> members, int minute) {
    Event event = new Event(nextEvent++, pool, minute + params.poolEventMinutes() - 1);
    openPoolEvents.put(pool, event);
    List<SimNode> order = new ArrayList<>(members);
    for (int i = order.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      SimNode t = order.get(i);
      order.set(i, order.get(j));
      order.set(j, t);
    }
    int take = Math.max(1, (int) Math.ceil(params.poolEventNodeShare() * order.size()));
    for (int i = 0; i < take; i++) {
      scheduled.add(
          new Scheduled(order.get(i), event, minute + rng.nextInt(params.poolEventMinutes())));
    }
  }
}
