package dev.spotpack.sim;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.FilterDecision;
import dev.spotpack.policy.NodeScore;
import dev.spotpack.policy.PolicyConfig;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodDemand;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.score.LeastAllocatedScorer;
import dev.spotpack.policy.score.MostAllocatedScorer;
import dev.spotpack.policy.spot.Caps;
import dev.spotpack.policy.spot.SpotAnnotations;
import dev.spotpack.policy.spot.SpotLimits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/*
 * Design note: what the model keeps and what it leaves out.
 *
 * Time advances in whole minutes. Each minute: nodes finish launching; spot nodes are reclaimed at
 * random (seeded); jobs arrive (a driver pod), progress, scale (dynamic allocation) and finish;
 * then one scheduling pass, kube-scheduler style: pending pods one at a time in creation order,
 * the resource fit filter (cpu, memory, 110 pods), for the spotpack strategy the extender filter,
 * then the highest score (ties to the oldest node). Scores: the strategy's resource score (0..100),
 * plus 200 for a spot node for an executor (executors prefer spot through a preferred node affinity
 * of weight 2, as platform teams set them), plus for spotpack its prioritize score x weight 1 x 10.
 * Drivers require on-demand nodes. Then the autoscaler launches, for pods still pending, nodes of
 * the cheapest type that fits each (spot for executors, on-demand for drivers), first packing them
 * into nodes already launching; and removes nodes empty for the configured time.
 *
 * A job progresses each minute by (running executors / wanted executors); when an interruption
 * takes executors, its progress falls by the share it lost (their shuffle output must be
 * recomputed), and if that share exceeds the failure threshold the job fails. Lost executors are
 * requested again at once.
 *
 * Left out: other scheduler plugins (affinity, topology spread, balanced allocation), preemption,
 * pod start-up time, Karpenter consolidation (moving pods to cheaper nodes), instance-type
 * diversity of spot pools, interruption notices, and that a real autoscaler simulates only the
 * in-tree rules: here it launches a node for any pod left pending, including one that spotpack's
 * caps keep off existing spot nodes, which Karpenter would not do (see the README).
 */

/** One strategy over one workload. Single-threaded; deterministic for a seed. */
final class Simulation {
  private static final long SPOT_PREFERENCE = 200;
  private static final int MAX_PODS_PER_NODE = 110;

  private final Workload workload;
  private final Strategy strategy;
  private final SplittableRandom rng;
  private final PolicyConfig policyConfig;
  private final SpotPolicy policy;
  private final SpotAnnotations annotations;
  private final MostAllocatedScorer most;
  private final LeastAllocatedScorer least;
  private final ClusterState state;

  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final List<Pod> pending = new ArrayList<>();
  private int now;
  private int nextNodeId;
  private int nextPodId;

  // metrics
  private double spotNodeMinutes;
  private double onDemandNodeMinutes;
  private double cost;
  private int peakNodes;
  private double utilisationSum;
  private int utilisationSamples;
  private int executorsLost;
  private double worstShare;
  private int capViolations;
  private int jobsFailed;
  private int jobsCompleted;
  private long executorPendingMinutes;
  private final List<StrategyResult.Sample> timeline = new ArrayList<>();
  private final List<StrategyResult.Interruption> interruptions = new ArrayList<>();

  Simulation(Workload workload, Strategy strategy, long seed, PolicyConfig policyConfig) {
    this.workload = workload;
    this.strategy = strategy;
    this.rng = new SplittableRandom(seed);
    this.policyConfig = policyConfig;
    this.policy = new SpotPolicy(policyConfig);
    this.annotations = new SpotAnnotations(policyConfig.profiles());
    this.most = new MostAllocatedScorer(policyConfig.scoringWeights());
    this.least = new LeastAllocatedScorer(policyConfig.scoringWeights());
    this.state = new ClusterState(policyConfig.roles());
  }

  private static final class Node {
    final String name;
    final Workload.InstanceType type;
    final boolean spot;
    final int readyAt;
    long cpuRequested;
    long memoryRequested;
    final List<Pod> pods = new ArrayList<>();
    int emptySince;

    Node(String name, Workload.InstanceType type, boolean spot, int readyAt) {
      this.name = name;
      this.type = type;
      this.spot = spot;
      this.readyAt = readyAt;
      this.emptySince = readyAt;
    }

    boolean fits(Pod p) {
      return pods.size() < MAX_PODS_PER_NODE && cpuRequested + p.cpu <= type.cpuMillis()
          && memoryRequested + p.memory <= type.memoryBytes();
    }

    double pricePerMinute() {
      return (spot ? type.spotPerHour() : type.onDemandPerHour()) / 60.0;
    }
  }

  private static final class Pod {
    final String uid;
    final Job job;
    final boolean driver;
    final long cpu;
    final long memory;
    final int createdMinute;
    @Nullable Node node;
    PodInfo info;

    Pod(String uid, Job job, boolean driver, long cpu, long memory, PodInfo info, int createdMinute) {
      this.createdMinute = createdMinute;
      this.uid = uid;
      this.job = job;
      this.driver = driver;
      this.cpu = cpu;
      this.memory = memory;
      this.info = info;
    }
  }

  private static final class Job {
    final Workload.JobSpec spec;
    final SpotLimits limits;
    @Nullable Pod driver;
    final List<Pod> executors = new ArrayList<>();
    double progress;
    boolean running;
    boolean done;

    Job(Workload.JobSpec spec, SpotLimits limits) {
      this.spec = spec;
      this.limits = limits;
    }

    int wanted() {
      Workload.DynamicAllocation da = spec.dynamicAllocation();
      if (da == null) {
        return spec.executors();
      }
      double at = progress / spec.workMinutes();
      return at < 0.2 || at >= 0.7 ? da.min() : spec.executors();
    }
  }

  StrategyResult run() {
    int nextArrival = 0;
    List<Workload.JobSpec> specs = workload.jobs();
    for (int minute = 0; minute < workload.durationMinutes(); minute++) {
      now = minute;
      for (Node n : nodes) {
        if (n.readyAt == minute) {
          state.upsertNode(nodeInfo(n));
        }
      }
      interrupt(minute);
      while (nextArrival < specs.size() && specs.get(nextArrival).arrivalMinute() <= minute) {
        arrive(specs.get(nextArrival++));
      }
      progress();
      scale();
      schedule();
      provision(minute);
      scaleDown(minute);
      sample(minute);
    }
    int unfinished = (int) jobs.values().stream().filter(j -> !j.done).count();
    return new StrategyResult(strategy.label(), (spotNodeMinutes + onDemandNodeMinutes) / 60.0,
        spotNodeMinutes / 60.0, onDemandNodeMinutes / 60.0, cost, peakNodes,
        utilisationSamples == 0 ? 0 : utilisationSum / utilisationSamples, interruptions.size(), executorsLost,
        worstShare, capViolations, jobsFailed, jobsCompleted, unfinished, executorPendingMinutes / 60.0, timeline,
        interruptions);
  }

  // ---- jobs ----

  private void arrive(Workload.JobSpec spec) {
    SpotAnnotations.Result read = annotations.read(spec.annotations());
    if (!(read instanceof SpotAnnotations.Valid valid)) {
      throw new IllegalArgumentException("job " + spec.name() + ": " + ((SpotAnnotations.Invalid) read).message());
    }
    Job job = new Job(spec, valid.limits());
    jobs.put(spec.name(), job);
    job.driver = newPod(job, true);
  }

  private Pod newPod(Job job, boolean driver) {
    String uid = job.spec.name() + (driver ? "-driver-" : "-exec-") + (nextPodId++);
    long cpu = driver ? job.spec.driverCpuMillis() : job.spec.executorCpuMillis();
    long memory = driver ? job.spec.driverMemoryBytes() : job.spec.executorMemoryBytes();
    Map<String, String> labels = Map.of("spark-app-selector", job.spec.name(), "spark-role", driver ? "driver" : "executor");
    PodDemand demand = new PodDemand(Resources.cpuMemory(cpu, memory), Resources.cpuMemory(cpu, memory));
    PodInfo info = new PodInfo(uid, "spark", uid, labels, driver ? Map.of() : job.spec.annotations(), null, demand);
    Pod pod = new Pod(uid, job, driver, cpu, memory, info, now);
    if (!driver) {
      job.executors.add(pod);
    }
    pending.add(pod);
    state.upsertPod(info);
    return pod;
  }

  private void progress() {
    for (Job job : jobs.values()) {
      if (!job.running || job.done) {
        continue;
      }
      long running = job.executors.stream().filter(p -> p.node != null).count();
      job.progress += Math.min(1.0, running / (double) Math.max(1, job.wanted()));
      if (job.progress >= job.spec.workMinutes()) {
        finish(job);
        jobsCompleted++;
      }
    }
  }

  private void finish(Job job) {
    job.done = true;
    job.running = false;
    if (job.driver != null) {
      remove(job.driver);
    }
    new ArrayList<>(job.executors).forEach(this::remove);
  }

  /** Dynamic allocation: ask for executors up to the wanted count, or release the newest. */
  private void scale() {
    for (Job job : jobs.values()) {
      if (!job.running || job.done) {
        continue;
      }
      int wanted = job.wanted();
      while (job.executors.size() < wanted) {
        newPod(job, false);
      }
      for (int i = job.executors.size() - 1; i >= 0 && job.executors.size() > wanted; i--) {
        remove(job.executors.get(i));
      }
    }
  }

  private void remove(Pod pod) {
    pending.remove(pod);
    if (pod.node != null) {
      Node n = pod.node;
      n.pods.remove(pod);
      n.cpuRequested -= pod.cpu;
      n.memoryRequested -= pod.memory;
      pod.node = null;
    }
    if (!pod.driver) {
      pod.job.executors.remove(pod);
    }
    state.removePod(pod.uid);
  }

  // ---- scheduling ----

  private void schedule() {
    List<Pod> queue = new ArrayList<>(pending);
    java.util.Set<Pod> queued = new java.util.HashSet<>(queue);
    for (int i = 0; i < queue.size(); i++) {
      Pod pod = queue.get(i);
      if (pod.node != null || !pending.contains(pod)) {
        continue;
      }
      Node chosen = choose(pod);
      if (chosen == null) {
        continue;
      }
      place(pod, chosen);
      if (pod.driver && !pod.job.running) {
        // the driver asks for its executors as soon as it runs; they join this pass
        pod.job.running = true;
        while (pod.job.executors.size() < pod.job.wanted()) {
          Pod executor = newPod(pod.job, false);
          if (queued.add(executor)) {
            queue.add(executor);
          }
        }
      }
    }
  }

  private @Nullable Node choose(Pod pod) {
    List<Node> fit = new ArrayList<>();
    for (Node n : nodes) {
      if (n.readyAt > now) {
        continue;
      }
      if ((pod.driver && n.spot) || !n.fits(pod)) {
        continue;
      }
      fit.add(n);
    }
    if (fit.isEmpty()) {
      return null;
    }
    Map<String, Long> extenderScores = Map.of();
    if (strategy == Strategy.SPOTPACK) {
      ClusterView view = state.snapshot();
      List<String> names = fit.stream().map(n -> n.name).toList();
      FilterDecision decision = policy.filter(pod.info, names, view, java.time.Duration.ofMinutes(now - pod.createdMinute));
      if (decision.feasible().isEmpty()) {
        return null;
      }
      fit.removeIf(n -> !decision.feasible().contains(n.name));
      if (fit.size() > 1) {
        Map<String, Long> scores = new HashMap<>();
        for (NodeScore s : policy.prioritize(pod.info, decision.feasible(), view)) {
          scores.put(s.node(), s.score());
        }
        extenderScores = scores;
      }
    }
    Node best = null;
    long bestScore = Long.MIN_VALUE;
    for (Node n : fit) {
      Resources alloc = Resources.cpuMemory(n.type.cpuMillis(), n.type.memoryBytes());
      Resources used = Resources.cpuMemory(n.cpuRequested, n.memoryRequested);
      Resources req = Resources.cpuMemory(pod.cpu, pod.memory);
      long score = strategy == Strategy.LEAST_ALLOCATED ? least.score(alloc, used, req) : most.score(alloc, used, req);
      if (!pod.driver && n.spot) {
        score += SPOT_PREFERENCE;
      }
      score += extenderScores.getOrDefault(n.name, 0L) * 10;
      if (score > bestScore) {
        bestScore = score;
        best = n;
      }
    }
    return best;
  }

  private void place(Pod pod, Node n) {
    pending.remove(pod);
    pod.node = n;
    n.pods.add(pod);
    n.cpuRequested += pod.cpu;
    n.memoryRequested += pod.memory;
    pod.info = pod.info.boundTo(n.name);
    state.upsertPod(pod.info);
    if (!pod.driver && n.spot) {
      checkCap(pod.job, n);
    }
  }

  /** Independent of spotpack's code: the cap the job asked for, at this moment. */
  private void checkCap(Job job, Node n) {
    int jobSize = job.limits.jobSize(job.executors.size());
    int cap = Caps.perNodeCap(job.limits.maxSpotFractionPerNode(), jobSize);
    long here = n.pods.stream().filter(p -> p.job == job && !p.driver).count();
    if (here > cap) {
      capViolations++;
    }
  }

  // ---- autoscaler ----

  /** A node the autoscaler is planning or launching: what it expects to put on it. */
  private static final class Planned {
    final boolean spot;
    final long cpuCapacity;
    final long memoryCapacity;
    long cpu;
    long memory;
    final Map<Job, Integer> executorsByJob = new HashMap<>();

    Planned(boolean spot, long cpuCapacity, long memoryCapacity) {
      this.spot = spot;
      this.cpuCapacity = cpuCapacity;
      this.memoryCapacity = memoryCapacity;
    }
  }

  /**
   * Karpenter-like: pods still pending are first packed into nodes already launching; the rest are
   * bin-packed (first fit, in queue order) onto new nodes of the largest type, and each new node
   * then gets the cheapest type that holds what was packed onto it. For the spotpack strategy the
   * packing respects each job's per-node cap: an idealised autoscaler that understands spotpack
   * (README, "Simulate").
   */
  private void provision(int minute) {
    if (pending.isEmpty()) {
      return;
    }
    List<Planned> launching = new ArrayList<>();
    for (Node n : nodes) {
      if (n.readyAt > minute) {
        Planned p = new Planned(n.spot, n.type.cpuMillis(), n.type.memoryBytes());
        p.cpu = n.cpuRequested;
        p.memory = n.memoryRequested;
        launching.add(p);
      }
    }
    Workload.InstanceType largest = workload.instanceTypes().stream()
        .max(Comparator.comparingLong(Workload.InstanceType::cpuMillis)).orElseThrow();
    List<Planned> fresh = new ArrayList<>();
    for (Pod pod : pending) {
      boolean spot = !pod.driver;
      if (!workload.autoscaler().seesExtender() && fitsSomeNodeByResources(pod)) {
        continue; // Karpenter simulates the in-tree rules only: it believes this pod can be placed
      }
      if (packInto(launching, pod, spot) || packInto(fresh, pod, spot)) {
        continue;
      }
      Planned p = new Planned(spot, largest.cpuMillis(), largest.memoryBytes());
      fresh.add(p);
      if (!packInto(List.of(p), pod, spot)) {
        throw new IllegalArgumentException("no instance type fits a pod of job " + pod.job.spec.name());
      }
    }
    for (Planned p : fresh) {
      Workload.InstanceType type = workload.instanceTypes().stream()
          .filter(t -> t.cpuMillis() >= p.cpu && t.memoryBytes() >= p.memory)
          .min(Comparator.comparingDouble((Workload.InstanceType t) -> p.spot ? t.spotPerHour() : t.onDemandPerHour()))
          .orElse(largest);
      Node n = new Node((p.spot ? "spot-" : "od-") + (nextNodeId++), type, p.spot,
          minute + workload.autoscaler().provisioningDelayMinutes());
      nodes.add(n);
      if (n.readyAt <= minute) {
        state.upsertNode(nodeInfo(n));
      }
    }
  }

  private boolean fitsSomeNodeByResources(Pod pod) {
    for (Node n : nodes) {
      if (n.readyAt <= now && !(pod.driver && n.spot) && n.fits(pod)) {
        return true;
      }
    }
    return false;
  }

  private boolean packInto(List<Planned> planned, Pod pod, boolean spot) {
    for (Planned p : planned) {
      if (p.spot != spot || p.cpu + pod.cpu > p.cpuCapacity || p.memory + pod.memory > p.memoryCapacity) {
        continue;
      }
      if (strategy == Strategy.SPOTPACK && spot && !pod.driver && workload.autoscaler().seesExtender()) {
        int cap = Caps.perNodeCap(pod.job.limits.maxSpotFractionPerNode(), pod.job.limits.jobSize(pod.job.executors.size()));
        if (p.executorsByJob.getOrDefault(pod.job, 0) + 1 > cap) {
          continue;
        }
      }
      p.cpu += pod.cpu;
      p.memory += pod.memory;
      if (!pod.driver) {
        p.executorsByJob.merge(pod.job, 1, Integer::sum);
      }
      return true;
    }
    return false;
  }

  private void scaleDown(int minute) {
    Iterator<Node> it = nodes.iterator();
    while (it.hasNext()) {
      Node n = it.next();
      if (n.readyAt > minute) {
        continue;
      }
      if (!n.pods.isEmpty()) {
        n.emptySince = minute + 1;
      } else if (minute + 1 - n.emptySince >= workload.autoscaler().emptyNodeTtlMinutes()) {
        it.remove();
        state.removeNode(n.name);
      }
    }
  }

  // ---- spot interruptions ----

  private void interrupt(int minute) {
    double p = workload.spotInterruptionsPerNodeHour() / 60.0;
    Iterator<Node> it = nodes.iterator();
    List<Node> reclaimed = new ArrayList<>();
    while (it.hasNext()) {
      Node n = it.next();
      // one draw per ready spot node and minute, in node order: the stream is the same for a seed
      if (n.spot && n.readyAt <= minute && rng.nextDouble() < p) {
        reclaimed.add(n);
        it.remove();
      }
    }
    for (Node n : reclaimed) {
      state.removeNode(n.name);
      Map<Job, Integer> lost = new LinkedHashMap<>();
      for (Pod pod : new ArrayList<>(n.pods)) {
        if (!pod.driver) {
          lost.merge(pod.job, 1, Integer::sum);
        }
      }
      int total = lost.values().stream().mapToInt(Integer::intValue).sum();
      double worstJobShare = 0;
      for (Map.Entry<Job, Integer> e : lost.entrySet()) {
        Job job = e.getKey();
        double share = e.getValue() / (double) Math.max(1, job.executors.size());
        worstJobShare = Math.max(worstJobShare, share);
        for (Pod pod : new ArrayList<>(n.pods)) {
          if (pod.job == job) {
            remove(pod);
          }
        }
        if (share > workload.jobFailureLostShare()) {
          jobsFailed++;
          finish(job);
        } else {
          job.progress -= job.progress * share;
        }
      }
      executorsLost += total;
      interruptions.add(new StrategyResult.Interruption(minute, n.name, total, worstJobShare));
    }
  }

  // ---- metrics ----

  private void sample(int minute) {
    int spot = 0;
    int onDemand = 0;
    long cpuAlloc = 0;
    long cpuUsed = 0;
    for (Node n : nodes) {
      if (n.spot) {
        spot++;
        spotNodeMinutes++;
      } else {
        onDemand++;
        onDemandNodeMinutes++;
      }
      cost += n.pricePerMinute();
      if (n.readyAt <= minute) {
        cpuAlloc += n.type.cpuMillis();
        cpuUsed += n.cpuRequested;
      }
    }
    peakNodes = Math.max(peakNodes, spot + onDemand);
    double utilisation = cpuAlloc == 0 ? 0 : cpuUsed / (double) cpuAlloc;
    if (cpuAlloc > 0) {
      utilisationSum += utilisation;
      utilisationSamples++;
    }
    for (Job job : jobs.values()) {
      if (!job.running || job.done || job.executors.isEmpty()) {
        continue;
      }
      Map<Node, Integer> perNode = new HashMap<>();
      for (Pod p : job.executors) {
        if (p.node != null && p.node.spot) {
          perNode.merge(p.node, 1, Integer::sum);
        }
      }
      // relative to the job's size N, the denominator of its caps: a job scaled down to one
      // executor does not count as "100% on one node"
      int jobSize = job.limits.jobSize(job.executors.size());
      for (int count : perNode.values()) {
        worstShare = Math.max(worstShare, count / (double) jobSize);
      }
    }
    for (Pod p : pending) {
      if (!p.driver) {
        executorPendingMinutes++;
      }
    }
    timeline.add(new StrategyResult.Sample(minute, spot, onDemand, utilisation, pending.size()));
  }

  private static NodeInfo nodeInfo(Node n) {
    return new NodeInfo(n.name, Map.of("karpenter.sh/capacity-type", n.spot ? "spot" : "on-demand"),
        Resources.cpuMemory(n.type.cpuMillis(), n.type.memoryBytes()));
  }
}
