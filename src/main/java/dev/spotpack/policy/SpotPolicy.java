package dev.spotpack.policy;

import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.model.JobExecutors;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.score.MostAllocatedScorer;
import dev.spotpack.policy.spot.Caps;
import dev.spotpack.policy.spot.JobCaps;
import dev.spotpack.policy.spot.NodeFacts;
import dev.spotpack.policy.spot.SpotAnnotations;
import dev.spotpack.policy.spot.SpotLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * spotpack's decisions: which candidate nodes a pod may go to under the spot rules, and how well
 * each packs.
 *
 * <p>Filter rules, in order, for a pod with a job label (a pod without one passes every node):
 *
 * <ol>
 *   <li>Bad {@code spotpack.dev/*} annotations (on any pod) reject every node with a message naming
 *       the annotation.
 *   <li>A node spotpack has never seen is rejected for drivers and executors: whether it is spot is
 *       unknown, and guessing would break the cap the pod relies on.
 *   <li>A driver is kept off spot nodes unless {@code driversOnSpot}.
 *   <li>An executor on a spot node n of capacity pool q needs, with N = max(expected-executors,
 *       active executors of the job including itself), share limit S = ceil(s × N), cap C = max(1,
 *       floor(f × N)) and pool cap P = max(C, floor(p × N)): (executors of the job on spot nodes,
 *       not counting itself) + 1 ≤ S unless s = 1, (executors of the job on n, not counting itself)
 *       + 1 ≤ C, and (executors of the job on spot nodes of q, not counting itself) + 1 ≤ P.
 * </ol>
 *
 * <p>Immutable; safe to call from any thread.
 */
public final class SpotPolicy {
  /**
   * Ends every cap message: kube-scheduler shows extender reasons without naming the extender, and
   * whoever reads {@code kubectl describe} must learn which component keeps the pod waiting.
   */
  static final String BY_SPOTPACK = "; limit set by spotpack";

  private final PolicyConfig config;
  private final SpotAnnotations annotations;
  private final MostAllocatedScorer scorer;

  public SpotPolicy(PolicyConfig config) {
    this.config = config;
    this.annotations = new SpotAnnotations(config.profiles());
    this.scorer = new MostAllocatedScorer(config.scoringWeights());
  }

  public PolicyConfig config() {
    return config;
  }

  public FilterDecision filter(PodInfo pod, List<String> candidates, ClusterView view) {
    return filter(pod, candidates, view, Duration.ZERO);
  }

  /**
   * @param pendingFor how long the pod has been pending; with {@code capsFallback} RELAX an
   *     executor pending for at least its {@code relaxAfter} is not held by the caps
   */
  public FilterDecision filter(
      PodInfo pod, List<String> candidates, ClusterView view, Duration pendingFor) {
    return decide(
        pod,
        candidates,
        view,
        pendingFor,
        new CandidateFacts.ByName(candidates, view, config.spotNodes()));
  }

  /**
   * The same decision as {@link #filter(PodInfo, List, ClusterView, Duration)}, reading what the
   * rules need of each candidate from {@code facts} instead of looking it up by name.
   *
   * @param facts made with this policy's {@link PolicyConfig#spotNodes} from the very node map of
   *     {@code view} (the caller guarantees it: facts of another map would decide on stale nodes)
   * @param positionOf each candidate's position (by its index in {@code candidates}) in the names
   *     {@code facts} was made of, -1 for a name not among them (a node {@code view} does not hold)
   */
  public FilterDecision filter(
      PodInfo pod,
      List<String> candidates,
      ClusterView view,
      Duration pendingFor,
      NodeFacts facts,
      IntUnaryOperator positionOf) {
    if (facts.spotNodes() != config.spotNodes()) {
      throw new IllegalArgumentException("node facts made with another spot node classification");
    }
    return decide(
        pod, candidates, view, pendingFor, new CandidateFacts.ByPosition(facts, positionOf));
  }

  private FilterDecision decide(
      PodInfo pod,
      List<String> candidates,
      ClusterView view,
      Duration pendingFor,
      CandidateFacts facts) {
    NodeRule rule = ruleFor(pod, view, pendingFor, facts);
    int n = candidates.size();
    List<String> feasible = new ArrayList<>(n);
    List<String> cappedFeasible = List.of();
    List<String> cappedPools = List.of();
    LinkedHashMap<String, Rejection> rejected = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String name = candidates.get(i);
      Check check = rule.check(name, i);
      if (check.rejection() != null) {
        rejected.put(name, check.rejection());
      } else {
        feasible.add(name);
        if (check.capped()) {
          if (cappedFeasible.isEmpty()) {
            // sized for every candidate left: growing from ten to thousands of names was two
            // thirds of what the policy allocated at 5,000 candidates (stop 44)
            cappedFeasible = new ArrayList<>(n - i);
            cappedPools = new ArrayList<>(n - i);
          }
          cappedFeasible.add(name);
          cappedPools.add(facts.pool(i));
        }
      }
    }
    return FilterDecision.handedOver(
        feasible, rejected, cappedFeasible, cappedPools, rule instanceof RelaxedRule);
  }

  /**
   * MostAllocated on the extender scale for every candidate. A node the view has never seen scores
   * 0: its allocatable is unknown.
   */
  public List<NodeScore> prioritize(PodInfo pod, List<String> candidates, ClusterView view) {
    long[] scores = extenderScores(pod, candidates, view);
    List<NodeScore> named = new ArrayList<>(scores.length);
    for (int i = 0; i < scores.length; i++) {
      named.add(new NodeScore(candidates.get(i), scores[i]));
    }
    return named;
  }

  /**
   * As {@link #prioritize}, the scores alone: element i is candidate i's. The extender's answer is
   * written from these and the request's own names, without an object per candidate.
   */
  public long[] extenderScores(PodInfo pod, List<String> candidates, ClusterView view) {
    return scores(
        pod,
        candidates,
        view,
        (name, i) -> {
          NodeInfo node = view.node(name);
          return node == null ? null : node.allocatable();
        });
  }

  /**
   * The same scores as {@link #extenderScores(PodInfo, List, ClusterView)}, each candidate's
   * allocatable read from {@code facts} by its position instead of looking the node up by name
   * (with 5,000 candidates in a new order every call, those lookups were a fifth of the call).
   *
   * @param facts made from the very node map of {@code view}, as for {@link #filter(PodInfo, List,
   *     ClusterView, Duration, NodeFacts, IntUnaryOperator)}
   * @param positionOf each candidate's position in the names {@code facts} was made of, -1 for a
   *     name not among them
   */
  public long[] extenderScores(
      PodInfo pod,
      List<String> candidates,
      ClusterView view,
      NodeFacts facts,
      IntUnaryOperator positionOf) {
    return scores(pod, candidates, view, (name, i) -> facts.allocatable(positionOf.applyAsInt(i)));
  }

  /** What the score reads of candidate {@code i}, named {@code name}: its allocatable, or null. */
  @FunctionalInterface
  private interface Allocatable {
    @Nullable Resources of(String name, int i);
  }

  private long[] scores(
      PodInfo pod, List<String> candidates, ClusterView view, Allocatable allocatable) {
    long[] scores = new long[candidates.size()];
    Resources podRequest = pod.demand().nonZeroRequested();
    for (int i = 0; i < scores.length; i++) {
      String name = candidates.get(i);
      Resources nodeAllocatable = allocatable.of(name, i);
      long nodeScore =
          nodeAllocatable == null
              ? 0
              : scorer.score(nodeAllocatable, view.nonZeroRequestedOn(name), podRequest);
      scores[i] = MostAllocatedScorer.toExtenderScore(nodeScore);
    }
    return scores;
  }

  /**
   * The state of one job as its next executor would see it, read with the {@code spotpack.dev/*}
   * annotations its executors carry.
   */
  public JobReport report(String job, Map<String, String> jobAnnotations, ClusterView view) {
    JobExecutors executors = view.job(job);
    Map<String, Integer> byNode = new TreeMap<>();
    executors.forEachBoundNode(byNode::put);
    List<JobReport.NodeCount> nodes = new ArrayList<>();
    Map<String, Integer> byPool = new TreeMap<>();
    int onSpot = 0;
    int maxOnOneSpotNode = 0;
    for (Map.Entry<String, Integer> e : byNode.entrySet()) {
      NodeInfo info = view.node(e.getKey());
      boolean spot = info != null && config.spotNodes().isSpot(info);
      nodes.add(new JobReport.NodeCount(e.getKey(), e.getValue(), spot));
      if (spot) {
        onSpot += e.getValue();
        maxOnOneSpotNode = Math.max(maxOnOneSpotNode, e.getValue());
        byPool.merge(config.spotNodes().pool(info), e.getValue(), Integer::sum);
      }
    }
    List<JobReport.PoolCount> pools = new ArrayList<>();
    byPool.forEach((pool, count) -> pools.add(new JobReport.PoolCount(pool, count)));
    int maxInOnePool = byPool.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    SpotAnnotations.Result read = annotations.read(jobAnnotations);
    String problem = read instanceof SpotAnnotations.Invalid invalid ? invalid.message() : "";
    SpotLimits limits =
        read instanceof SpotAnnotations.Valid valid ? valid.limits() : annotations.defaults();
    JobCaps caps = limits.caps(executors.count());
    int jobSize = caps.jobSize();
    return new JobReport(
        job,
        limits.profile(),
        executors.count(),
        executors.pendingCount(),
        jobSize,
        caps.perNode(),
        caps.perPool(),
        caps.spotShare().orElse(-1),
        onSpot,
        jobSize == 0 ? 0 : (double) maxOnOneSpotNode / jobSize,
        jobSize == 0 ? 0 : (double) maxInOnePool / jobSize,
        nodes,
        pools,
        problem);
  }

  /**
   * Every node's verdict for {@code pod}, its job's caps and counts, and what would change the
   * answer: spotpack's rules only (kube-scheduler's own filters, such as resources, taints and
   * affinity, are not evaluated here).
   *
   * @param nodes every node of the view
   * @param pendingFor how long the pod has been pending (for {@code spot.onCapsExhausted: relax})
   */
  public Explanation explain(
      PodInfo pod, ClusterView view, Iterable<NodeInfo> nodes, Duration pendingFor) {
    List<String> names = new ArrayList<>();
    nodes.forEach(n -> names.add(n.name()));
    names.sort(null);
    FilterDecision decision = filter(pod, names, view, pendingFor);
    List<Explanation.NodeVerdict> verdicts = new ArrayList<>(names.size());
    for (String name : names) {
      NodeInfo info = view.node(name);
      boolean spot = info != null && config.spotNodes().isSpot(info);
      Rejection r = decision.rejected().get(name);
      verdicts.add(
          new Explanation.NodeVerdict(
              name,
              spot,
              spot ? config.spotNodes().pool(info) : "",
              r == null ? null : r.rule(),
              r == null ? "" : r.message()));
    }
    Optional<String> job = config.roles().jobOf(pod.labels());
    String role =
        job.isEmpty()
            ? "not part of a Spark job"
            : (config.roles().isDriver(pod.labels()) ? "driver" : "executor")
                + " of job "
                + job.get();
    JobReport report = job.map(j -> report(j, pod.annotations(), view)).orElse(null);
    return new Explanation(
        pod.key(), role, report, verdicts, Explanations.changes(decision, report, verdicts));
  }

  /** How many of these nodes are spot nodes without a pool label, each a pool of its own. */
  public int spotNodesWithoutPoolLabels(Iterable<NodeInfo> nodes) {
    int n = 0;
    for (NodeInfo node : nodes) {
      if (config.spotNodes().isSpot(node) && config.spotNodes().lacksPoolLabels(node)) {
        n++;
      }
    }
    return n;
  }

  /**
   * The rule for one node, with everything that does not depend on the node computed once.
   *
   * <p>{@code i} is the node's index among the candidates, for {@link CandidateFacts}.
   */
  @FunctionalInterface
  private interface NodeRule {
    Check check(String node, int i);
  }

  /**
   * An executor that has waited past {@code spot.relaxAfterSeconds}: spot nodes pass without caps
   * (still counted as capped, so the state records it in flight), unknown nodes do not.
   */
  private record RelaxedRule(CandidateFacts facts) implements NodeRule {
    @Override
    public Check check(String node, int i) {
      return switch (facts.kind(i)) {
        case NodeFacts.SPOT -> Check.PASS_CAPPED;
        case NodeFacts.ON_DEMAND -> Check.PASS;
        default -> UNKNOWN;
      };
    }
  }

  /**
   * A node's answer: rejected, or passing; {@code capped} when it passes a spot node on which the
   * caps counted this executor (so that a live source can record it in flight there, in the node's
   * pool). Passing answers are constants: at 5,000 candidates one object per spot candidate was a
   * tenth of a filter call's allocation.
   */
  private record Check(@Nullable Rejection rejection, boolean capped) {
    static final Check PASS = new Check(null, false);
    static final Check PASS_CAPPED = new Check(null, true);

    static Check reject(Rejection r) {
      return new Check(r, false);
    }
  }

  private NodeRule ruleFor(
      PodInfo pod, ClusterView view, Duration pendingFor, CandidateFacts facts) {
    SpotAnnotations.Result read = annotations.read(pod.annotations());
    if (read instanceof SpotAnnotations.Invalid invalid) {
      Check rejection = Check.reject(new Rejection(Rule.INVALID_ANNOTATION, invalid.message()));
      return (node, i) -> rejection;
    }
    SpotLimits limits = ((SpotAnnotations.Valid) read).limits();

    Optional<String> job = config.roles().jobOf(pod.labels());
    if (job.isEmpty()) {
      return (node, i) -> Check.PASS;
    }
    if (config.roles().isDriver(pod.labels())) {
      return driverRule(facts);
    }
    if (config.roles().isActiveExecutor(pod.labels())) {
      if (config.capsFallback().relaxes(pendingFor)) {
        return new RelaxedRule(facts);
      }
      return executorRule(pod, job.get(), limits, view, facts);
    }
    return (node, i) -> Check.PASS;
  }

  private NodeRule driverRule(CandidateFacts facts) {
    if (config.driversOnSpot()) {
      return (node, i) -> facts.kind(i) == NodeFacts.UNKNOWN ? UNKNOWN : Check.PASS;
    }
    Check onSpot =
        Check.reject(
            new Rejection(
                Rule.DRIVER_ON_SPOT,
                "spot node: spotpack keeps Spark drivers off spot nodes (config spot.allowDrivers:"
                    + " false)"));
    return (node, i) ->
        switch (facts.kind(i)) {
          case NodeFacts.SPOT -> onSpot;
          case NodeFacts.ON_DEMAND -> Check.PASS;
          default -> UNKNOWN;
        };
  }

  private NodeRule executorRule(
      PodInfo pod, String job, SpotLimits limits, ClusterView view, CandidateFacts facts) {
    JobExecutors executors = view.job(job);
    JobCaps caps = limits.caps(executors.count() + (executors.contains(pod.uid()) ? 0 : 1));
    int jobSize = caps.jobSize();
    int cap = caps.perNode();
    int poolCap = caps.perPool();
    Check shareRejection =
        shareRule(pod, job, limits, caps, executors, view).map(Check::reject).orElse(null);
    // one pass over the nodes the job is on, not one per candidate node; and as a cap refuses only
    // a node (or pool) that already holds it, only those are kept to be looked up: most jobs have
    // none, and then no candidate pays a lookup by name (at 5,000 candidates each such lookup is a
    // few cache misses: the name, the map's slot, its entry)
    CandidateFacts.NodeCounts fullNodes =
        facts.perCandidate(executors.nodesWithAtLeast(cap, pod.uid()));
    Map<String, Integer> fullPools =
        atCap(executors.countsByPool(node -> spotPool(view, node), pod.uid()), poolCap);

    return (node, i) -> {
      byte kind = facts.kind(i);
      if (kind != NodeFacts.SPOT) {
        return kind == NodeFacts.ON_DEMAND ? Check.PASS : UNKNOWN;
      }
      if (shareRejection != null) {
        return shareRejection;
      }
      Integer here = fullNodes.get(node, i);
      if (here != null) {
        return Check.reject(
            new Rejection(
                Rule.PER_NODE_CAP,
                "spot node: job "
                    + job
                    + " already has "
                    + here
                    + " of its "
                    + jobSize
                    + " executors here (cap "
                    + cap
                    + " = "
                    + Caps.percent(limits.maxSpotFractionPerNode())
                    + ")"
                    + BY_SPOTPACK));
      }
      String pool = facts.pool(i);
      Integer inPool = fullPools.isEmpty() ? null : fullPools.get(pool);
      if (inPool != null) {
        return Check.reject(
            new Rejection(
                Rule.PER_POOL_CAP,
                "spot pool "
                    + pool
                    + ": job "
                    + job
                    + " already has "
                    + inPool
                    + " of its "
                    + jobSize
                    + " executors on spot nodes of this pool (pool cap "
                    + poolCap
                    + " = max(node cap "
                    + cap
                    + ", "
                    + Caps.percent(limits.maxSpotFractionPerPool())
                    + " of "
                    + jobSize
                    + "))"
                    + BY_SPOTPACK));
      }
      return Check.PASS_CAPPED;
    };
  }

  /** The entries of {@code counts} that one more executor would take past {@code cap}. */
  private static Map<String, Integer> atCap(Map<String, Integer> counts, int cap) {
    Map<String, Integer> full = new HashMap<>();
    counts.forEach(
        (key, count) -> {
          if (count + 1 > cap) {
            full.put(key, count);
          }
        });
    return full;
  }

  /** The pool of a spot node the view knows; null for any other node. */
  private @Nullable String spotPool(ClusterView view, String node) {
    NodeInfo info = view.node(node);
    return info != null && config.spotNodes().isSpot(info) ? config.spotNodes().pool(info) : null;
  }

  /** The job-wide share rule; the same answer for every spot node, so computed once. */
  private Optional<Rejection> shareRule(
      PodInfo pod,
      String job,
      SpotLimits limits,
      JobCaps caps,
      JobExecutors executors,
      ClusterView view) {
    if (caps.noSpot()) {
      return Optional.of(
          new Rejection(
              Rule.NO_SPOT,
              "spot node: job "
                  + job
                  + " may not use spot nodes (max-spot-share 0, profile "
                  + limits.profile()
                  + ")"
                  + BY_SPOTPACK));
    }
    if (caps.spotShare().isEmpty()) {
      return Optional.empty();
    }
    int limit = caps.spotShare().getAsInt();
    int jobSize = caps.jobSize();
    int onSpot =
        executors.countWhere(
            node -> {
              NodeInfo info = view.node(node);
              return info != null && config.spotNodes().isSpot(info);
            },
            pod.uid());
    if (onSpot + 1 > limit) {
      return Optional.of(
          new Rejection(
              Rule.SPOT_SHARE,
              "spot node: job "
                  + job
                  + " already has "
                  + onSpot
                  + " of its "
                  + jobSize
                  + " executors on spot nodes (spot share limit "
                  + limit
                  + " = "
                  + Caps.percent(limits.maxSpotShare())
                  + ")"
                  + BY_SPOTPACK));
    }
    return Optional.empty();
  }

  /** One message for all unknown nodes, so that kube-scheduler's event groups them. */
  private static final Rejection UNKNOWN_NODE =
      new Rejection(
          Rule.UNKNOWN_NODE,
          "node not yet known to spotpack, which needs its labels to apply the spot rules");

  private static final Check UNKNOWN = Check.reject(UNKNOWN_NODE);
}
