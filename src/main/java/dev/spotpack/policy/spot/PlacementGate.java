package dev.spotpack.policy.spot;

import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.model.JobExecutors;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides when an executor held at creation by spotpack's scheduling gate may be scheduled, and
 * with which required node affinity, so that an autoscaler (which simulates node affinity but never
 * calls an extender) launches capacity the executor can really use:
 *
 * <ul>
 *   <li><b>spot share</b>: once the job's executors on spot nodes plus those released for spot and
 *       not yet bound reach {@code ceil(s x N)}, the next executor is pinned to non-spot nodes;
 *   <li><b>pool cap</b>: an executor is released with the pools excluded where the job's executors
 *       plus the executors released for spot, not yet bound, and not excluded from that pool would
 *       pass the pool cap P. Counting each of those in every pool it may land in is what makes a
 *       burst safe: even if all of them land in one pool, it stays within P. A pool that does not
 *       exist yet holds none of the job and is excluded by nobody, so at most P may be in flight;
 *       the next one is held until some of them are bound. When every spot pool the job is in would
 *       be excluded, and one of them only because of the executors in flight, the executor is held
 *       for up to {@link #IN_FLIGHT_WAIT} after its creation: those usually bind within seconds and
 *       free the pool, where releasing it at once would leave it only new pools and non-spot nodes,
 *       and an on-demand node with room takes it for its whole life. After the wait it is released
 *       that way (the executors in flight may be waiting for new nodes).
 * </ul>
 *
 * <p>The filter stays the authority; the affinity only has to be no looser than the filter for the
 * autoscaler to launch the right capacity, and it may be tighter (it is fixed at release, and the
 * job's executors move on).
 *
 * <p>Pure: no I/O, immutable, thread-safe.
 */
public final class PlacementGate {
  /** The scheduling gate spotpack's webhook puts on executors and this decision lifts. */
  public static final String GATE = "spotpack.dev/placement";

  /**
   * How long after its creation an executor is held when only the executors in flight exclude every
   * spot pool its job is in. In a creation burst on existing nodes those bind within a second or
   * two (2,000 executors in 20-40 s here); 10 s covers that and costs an executor whose
   * predecessors wait for new nodes at most 10 s more (docs/benchmarks-log.md, stop 47).
   */
  public static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(10);

  /** One required node affinity expression; operator {@code In} or {@code NotIn}. */
  public record Requirement(String key, String operator, List<String> values) {
    public Requirement {
      values = List.copyOf(values);
    }
  }

  /** One {@code nodeSelectorTerm}: its requirements all hold (terms are ORed). */
  public record Term(List<Requirement> requirements) {
    public Term {
      requirements = List.copyOf(requirements);
    }

    /**
     * kube-scheduler's reading: In needs the label with a listed value; NotIn passes a node without
     * it.
     */
    public boolean matches(Map<String, String> labels) {
      for (Requirement r : requirements) {
        String value = labels.get(r.key());
        boolean listed = value != null && r.values().contains(value);
        if (r.operator().equals("In") != listed) {
          return false;
        }
      }
      return true;
    }
  }

  /** Whether a node with these labels passes required terms (none: every node). */
  public static boolean allows(List<Term> terms, Map<String, String> labels) {
    return terms.isEmpty() || terms.stream().anyMatch(t -> t.matches(labels));
  }

  /** What to do with one gated executor. */
  public sealed interface Decision {}

  /**
   * Keep the gate: releasing now could pass a cap whatever affinity it gets, or (for at most {@link
   * #IN_FLIGHT_WAIT}) would leave the executor only new pools and non-spot nodes.
   */
  public record Hold(String reason) implements Decision {}

  /** An executor the last decision held, as {@code namespace/name}, and why. */
  public record Held(String pod, String reason) {}

  /**
   * Lift the gate, adding these required node affinity terms (none: no affinity needed).
   *
   * @param terms alternatives, one of which a node must match (to be ANDed into each of the pod's
   *     own terms when it has some: then there is exactly one)
   * @param spot whether the executor may still land on a spot node (false: pinned off spot)
   * @param excludedPools the pools (as {@link SpotNodes#pool} names them) the terms exclude: an
   *     executor in flight does not count against a pool it cannot land in
   * @param explanation the arithmetic, for an annotation a user can read
   */
  public record Release(
      List<Term> terms, boolean spot, Set<String> excludedPools, String explanation)
      implements Decision {
    public Release {
      terms = List.copyOf(terms);
      excludedPools = Set.copyOf(excludedPools);
    }

    public Release(List<Term> terms, boolean spot, String explanation) {
      this(terms, spot, Set.of(), explanation);
    }
  }

  /**
   * The job's executors released for spot and not yet bound.
   *
   * @param spot how many
   * @param excludingPool per pool, how many of them exclude it (and so cannot land in it)
   */
  public record InFlight(int spot, Map<String, Integer> excludingPool) {
    public static final InFlight NONE = new InFlight(0, Map.of());

    public InFlight {
      excludingPool = Map.copyOf(excludingPool);
    }

    public static InFlight of(int spot) {
      return new InFlight(spot, Map.of());
    }

    /** How many of them could still land in the pool. */
    public int toward(String pool) {
      return spot - excludingPool.getOrDefault(pool, 0);
    }

    /** With one more released: for spot, excluding these pools. */
    public InFlight plus(Release r) {
      if (!r.spot()) {
        return this;
      }
      Map<String, Integer> excluding = new HashMap<>(excludingPool);
      r.excludedPools().forEach(p -> excluding.merge(p, 1, Integer::sum));
      return new InFlight(spot + 1, excluding);
    }
  }

  private final PodRoles roles;
  private final SpotNodes spotNodes;
  private final SpotAnnotations annotations;

  public PlacementGate(PodRoles roles, SpotNodes spotNodes, Profiles profiles) {
    this.roles = roles;
    this.spotNodes = spotNodes;
    this.annotations = new SpotAnnotations(profiles);
  }

  /**
   * Whether the webhook should gate this pod at creation: an active executor of a job whose
   * annotations are valid (a bad one is reported by the filter, which a gate would only delay).
   */
  public boolean applies(Map<String, String> labels, Map<String, String> podAnnotations) {
    return roles.jobOf(labels).isPresent()
        && roles.isActiveExecutor(labels)
        && annotations.read(podAnnotations) instanceof SpotAnnotations.Valid;
  }

  /**
   * @param inFlight the job's executors released for spot and not yet bound
   * @param hasOwnRequiredTerms whether the pod already carries required node affinity terms: an
   *     update may then only add expressions to them, so the hint must be a single term
   * @param age how long ago the executor was created (compared with {@link #IN_FLIGHT_WAIT})
   */
  public Decision decide(
      PodInfo executor,
      ClusterView view,
      InFlight inFlight,
      boolean hasOwnRequiredTerms,
      Duration age) {
    int inFlightSpot = inFlight.spot();
    Optional<String> job = roles.jobOf(executor.labels());
    if (job.isEmpty() || !roles.isActiveExecutor(executor.labels())) {
      return new Release(List.of(), true, "not an active executor of a job: no spot rule applies");
    }
    SpotAnnotations.Result read = annotations.read(executor.annotations());
    if (read instanceof SpotAnnotations.Invalid invalid) {
      // the filter refuses every node with this message; holding the pod would hide it
      return new Release(List.of(), true, invalid.message());
    }
    SpotLimits limits = ((SpotAnnotations.Valid) read).limits();
    JobExecutors executors = view.job(job.get());
    JobCaps caps = limits.caps(executors.count() + (executors.contains(executor.uid()) ? 0 : 1));
    int jobSize = caps.jobSize();
    String id = job.get();

    if (caps.noSpot()) {
      return offSpot(
          "max-spot-share 0 (profile "
              + limits.profile()
              + "): job "
              + id
              + " may not use spot nodes");
    }
    int onSpot = executors.countWhere(node -> isSpot(view, node), executor.uid());
    if (caps.spotShare().isPresent()) {
      int shareLimit = caps.spotShare().getAsInt();
      if (onSpot + inFlightSpot + 1 > shareLimit) {
        return offSpot(
            "job "
                + id
                + " has "
                + onSpot
                + " executors on spot nodes and "
                + inFlightSpot
                + " released for spot; spot share limit "
                + shareLimit
                + " = ceil("
                + limits.maxSpotShare().toPlainString()
                + " x "
                + jobSize
                + ")");
      }
    }
    int nodeCap = caps.perNode();
    int poolCap = caps.perPool();
    String capText =
        "pool cap "
            + poolCap
            + " = max(node cap "
            + nodeCap
            + ", floor("
            + limits.maxSpotFractionPerPool().toPlainString()
            + " x "
            + jobSize
            + "))";
    if (poolCap >= jobSize) {
      return new Release(
          List.of(),
          true,
          "job " + id + ": " + capText + " holds the whole job; no pool to exclude");
    }
    if (inFlightSpot + 1 > poolCap) {
      return new Hold(
          "job "
              + id
              + " has "
              + inFlightSpot
              + " executors released for spot and not yet bound; "
              + capText
              + ": waiting for some to be bound");
    }
    Map<String, List<String>> valuesOf = new HashMap<>();
    Map<String, Integer> perPool =
        executors.countsByGroup(
            node -> {
              NodeInfo info = view.node(node);
              if (info == null || !spotNodes.isSpot(info)) {
                return null;
              }
              List<String> values = spotNodes.poolValues(info);
              if (values == null) {
                return null; // a pool of its own that no label names; the hostname hint bounds it
              }
              String pool = spotNodes.pool(info);
              valuesOf.put(pool, values);
              return pool;
            },
            executor.uid());
    List<List<String>> excluded = new ArrayList<>();
    List<String> excludedNames = new ArrayList<>();
    new TreeMap<>(perPool)
        .forEach(
            (pool, count) -> {
              if (count + inFlight.toward(pool) + 1 > poolCap) {
                excluded.add(valuesOf.get(pool));
                excludedNames.add(pool);
              }
            });
    String counts =
        "job " + id + ": " + inFlightSpot + " released for spot and not yet bound; " + capText;
    if (excluded.isEmpty()) {
      return new Release(List.of(), true, counts + "; no pool near it");
    }
    if (excluded.size() == perPool.size()
        && age.compareTo(IN_FLIGHT_WAIT) < 0
        && perPool.values().stream().anyMatch(count -> count + 1 <= poolCap)) {
      return new Hold(
          counts
              + "; every spot pool of the job is at the cap with the executors in flight, and one"
              + " has room without them: waiting up to "
              + IN_FLIGHT_WAIT.toSeconds()
              + " s for some to be bound");
    }
    StringBuilder explanation = new StringBuilder(counts).append("; spot pools excluded:");
    for (String pool : excludedNames) {
      explanation
          .append(' ')
          .append(pool)
          .append(" (")
          .append(perPool.get(pool))
          .append(" + ")
          .append(inFlight.toward(pool))
          .append(" in flight)");
    }
    Set<String> names = Set.copyOf(excludedNames);
    if (hasOwnRequiredTerms) {
      return new Release(
          List.of(singleTerm(excluded)),
          true,
          names,
          explanation
              + " (the pod's own node affinity allows one term: instance types excluded in every"
              + " zone)");
    }
    List<Term> terms = new ArrayList<>(exclusionTerms(spotNodes.poolLabels(), excluded));
    terms.add(
        offSpotTerm()); // pool labels say nothing of capacity type: non-spot nodes stay allowed
    return new Release(terms, true, names, explanation.toString());
  }

  private Release offSpot(String why) {
    return new Release(List.of(offSpotTerm()), false, why + ": pinned off spot nodes");
  }

  /** A node matches no spot selector: one NotIn per selector key. */
  private Term offSpotTerm() {
    Map<String, TreeSet<String>> byKey = new LinkedHashMap<>();
    for (SpotNodes.Selector s : spotNodes.selectors()) {
      byKey.computeIfAbsent(s.key(), k -> new TreeSet<>()).add(s.value());
    }
    List<Requirement> requirements = new ArrayList<>();
    byKey.forEach(
        (key, values) -> requirements.add(new Requirement(key, "NotIn", List.copyOf(values))));
    return new Term(requirements);
  }

  /**
   * Terms, ORed, that match exactly the nodes in none of the excluded pools: by the first label's
   * value v, "first label In {v} and not an excluded pool of v" for each v with an exclusion, and
   * "first label NotIn all those v". NotIn also matches a node without the label, as it should. At
   * most one term per excluded pool plus one per label.
   */
  static List<Term> exclusionTerms(List<String> labels, List<List<String>> excluded) {
    if (excluded.isEmpty()) {
      throw new IllegalArgumentException("no pool to exclude: an empty term would match no node");
    }
    String first = labels.get(0);
    if (labels.size() == 1) {
      TreeSet<String> values = new TreeSet<>();
      excluded.forEach(pool -> values.add(pool.get(0)));
      return List.of(new Term(List.of(new Requirement(first, "NotIn", List.copyOf(values)))));
    }
    Map<String, List<List<String>>> byFirst = new TreeMap<>();
    for (List<String> pool : excluded) {
      byFirst
          .computeIfAbsent(pool.get(0), v -> new ArrayList<>())
          .add(pool.subList(1, pool.size()));
    }
    List<Term> terms = new ArrayList<>();
    byFirst.forEach(
        (value, rest) -> {
          for (Term sub : exclusionTerms(labels.subList(1, labels.size()), rest)) {
            List<Requirement> requirements = new ArrayList<>();
            requirements.add(new Requirement(first, "In", List.of(value)));
            requirements.addAll(sub.requirements());
            terms.add(new Term(requirements));
          }
        });
    terms.add(new Term(List.of(new Requirement(first, "NotIn", List.copyOf(byFirst.keySet())))));
    return terms;
  }

  /**
   * One term no looser than the exclusion: the first pool label's excluded values in every zone
   * (say, the instance type everywhere), on spot and non-spot nodes alike.
   */
  private Term singleTerm(List<List<String>> excluded) {
    TreeSet<String> values = new TreeSet<>();
    excluded.forEach(pool -> values.add(pool.get(0)));
    return new Term(
        List.of(new Requirement(spotNodes.poolLabels().get(0), "NotIn", List.copyOf(values))));
  }

  private boolean isSpot(ClusterView view, String node) {
    NodeInfo info = view.node(node);
    return info != null && spotNodes.isSpot(info);
  }
}
