package dev.spotpack.kube;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.model.ClusterView;
import dev.spotpack.policy.model.JobExecutors;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.PlacementGate;
import dev.spotpack.policy.spot.PodRoles;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/*
 * Design note.
 *
 * The webhook puts PlacementGate.GATE on executors as they are created; this controller lifts it.
 * It follows the pod informer (ClusterFeed hands it every pod event), keeps the gated executors it
 * has seen, and in a pass on one thread decides each of them in creation order with PlacementGate
 * over the same ClusterState snapshot the filter reads. A release is one JSON merge patch that
 * removes the gate, adds the required node affinity and an annotation with the arithmetic, and
 * carries the resourceVersion it was decided on: a pod changed meanwhile answers 409 and is
 * decided again in the next pass.
 *
 * The patches go out concurrently (at most PATCHES_IN_FLIGHT, on their own threads), while the
 * pass goes on deciding: one patch at a time capped a burst of executors at the API server's
 * round trip, about 40 lifts a second here, twice the time a burst of 2,000 took to be bound
 * without the webhook (docs/benchmarks-log.md, stop 42). A release counts as in flight from the
 * moment it is decided, before the API server has taken it: a pass meanwhile holds others back
 * for it, never lets a cap be passed. Until its patch is answered the executor stays among the
 * gated ones (the pass skips it) and follows the informer's newest version of it, so a refused
 * patch leaves it gated, with what the next decision needs.
 *
 * In flight: the executors of a job that are pending and not gated, except those this controller
 * pinned off spot. An executor released a moment ago may still look gated in the informer; it is
 * remembered as released until the informer shows it bound or it is deleted. A pending executor
 * nobody gated (created while the webhook was down) counts as in flight too: that can only hold
 * others back, never let a cap be passed. After a restart, executors pinned off spot before it
 * count as in flight until bound, for the same reason.
 *
 * Passes run after pod events (coalesced) and every PERIOD, and only while the feed is ready: a
 * decision over a partial view could pass a cap.
 */

/**
 * Lifts spotpack's scheduling gate from executors with the node affinity {@link PlacementGate}
 * decides, so that autoscalers see the spot share and the pool caps.
 *
 * <p>Thread-safe: events may come from any thread; passes run on the injected executor.
 */
public final class GateController implements ClusterFeed.PodListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GateController.class);

  /** The annotation that explains a release, for {@code kubectl describe}. */
  public static final String HINT_ANNOTATION = "spotpack.dev/placement-hint";

  static final long PERIOD_MILLIS = 1000;

  /**
   * Gate lifts sent and not yet answered. Each holds a thread of {@link #patches} for one API round
   * trip. Eight, as many as the binding POSTs in flight by default ({@code cluster.bindThreads}),
   * took a gated burst of 2,000 from 49.5-51.7 s to 38.4-40.1 s here (stop 42); each more competes
   * with the binding POSTs for the same API server.
   */
  public static final int PATCHES_IN_FLIGHT = 8;

  /** One JSON merge patch of a pod; throws the client's exception when it is refused. */
  @FunctionalInterface
  public interface PodPatcher {
    void patch(String namespace, String name, String mergePatch);
  }

  /** Patches through {@code client}, blocking until the API server answers. */
  public static PodPatcher patcher(KubernetesClient client) {
    return (namespace, name, mergePatch) ->
        client
            .pods()
            .inNamespace(namespace)
            .withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  /** A gated executor as last seen, with what a patch needs of it. */
  private record Gated(@Nullable PodInfo info, Pod pod, long seenOrder) {}

  private final KubernetesClient client;
  private final PodPatcher patcher;
  private final Executor patches;
  private final ClusterState state;
  private final PlacementGate gate;
  private final PodRoles roles;
  private final BooleanSupplier ready;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final JsonMapper mapper = JsonMapper.builder().build();
  private final Map<String, Gated> gated = new ConcurrentHashMap<>();

  /** The executors the last pass held, oldest first: what {@code /debug/gate} shows. */
  private volatile List<PlacementGate.Held> held = List.of();

  /** uid to how it was released; kept until the informer shows it bound or gone. */
  private final Map<String, PlacementGate.Release> released = new ConcurrentHashMap<>();

  /**
   * uids whose release is decided and whose patch is not answered yet: in {@link #released} and
   * still in {@link #gated}. Changed together with those two under this object's lock, as the
   * informer's events are applied, so that no event falls between them.
   */
  private final Set<String> sending = ConcurrentHashMap.newKeySet();

  private final AtomicBoolean passQueued = new AtomicBoolean();
  private final Counter releasedSpot;
  private final Counter releasedOffSpot;
  private final Counter patchErrors;
  private long order;

  /**
   * @param patcher how a gate lift reaches the API server ({@link #patcher} in a deployment)
   * @param executor the controller's own thread: its passes
   * @param patches where the gate lifts are sent, each a blocking API call; its threads bound how
   *     many are in flight ({@link #PATCHES_IN_FLIGHT} in a deployment)
   */
  public GateController(
      KubernetesClient client,
      PodPatcher patcher,
      ClusterState state,
      PlacementGate gate,
      PodRoles roles,
      BooleanSupplier ready,
      ScheduledExecutorService executor,
      Executor patches,
      MeterRegistry registry,
      Clock clock) {
    this.client = client;
    this.clock = clock;
    this.patcher = patcher;
    this.patches = patches;
    this.state = state;
    this.gate = gate;
    this.roles = roles;
    this.ready = ready;
    this.executor = executor;
    this.releasedSpot = releases(registry, "spot");
    this.releasedOffSpot = releases(registry, "off_spot");
    this.patchErrors =
        Counter.builder("spotpack.gate.patch.errors")
            .description(
                "Gate releases the API server refused for another reason than a conflict (retried)")
            .register(registry);
    Gauge.builder("spotpack.gated.executors", gated, Map::size)
        .description("Executors held by spotpack's placement gate")
        .register(registry);
  }

  private static Counter releases(MeterRegistry registry, String kind) {
    return Counter.builder("spotpack.gate.releases")
        .description("Executors whose placement gate spotpack lifted, by what they may use")
        .tag("placement", kind)
        .register(registry);
  }

  /** Starts the periodic pass. */
  public void start() {
    executor.scheduleWithFixedDelay(
        this::passSafely, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void upserted(Pod pod, @Nullable PodInfo info) {
    String uid = pod.getMetadata() == null ? null : pod.getMetadata().getUid();
    if (uid == null || uid.isEmpty()) {
      return;
    }
    boolean hasGate = hasGate(pod);
    boolean bound =
        pod.getSpec() != null
            && pod.getSpec().getNodeName() != null
            && !pod.getSpec().getNodeName().isEmpty();
    // a pod spotpack cannot read (info null) is released as it is; the filter reports why
    boolean changed;
    synchronized (this) {
      if (bound) {
        released.remove(uid);
      }
      // while its patch is out, an executor keeps following the informer: if the patch is
      // refused, the next decision needs the pod as it is now
      if (hasGate && (!released.containsKey(uid) || sending.contains(uid))) {
        Gated previous = gated.get(uid);
        long seen = previous != null ? previous.seenOrder() : order++;
        gated.put(uid, new Gated(info, pod, seen));
        changed = true;
      } else {
        changed = gated.remove(uid) != null || hasGate;
      }
    }
    if (changed) {
      queuePass();
    }
  }

  @Override
  public void deleted(Pod pod) {
    String uid = pod.getMetadata() == null ? null : pod.getMetadata().getUid();
    if (uid != null) {
      synchronized (this) {
        gated.remove(uid);
        released.remove(uid);
      }
      queuePass(); // an executor gone may let a held one go
    }
  }

  private void queuePass() {
    if (!gated.isEmpty() && passQueued.compareAndSet(false, true)) {
      executor.execute(
          () -> {
            passQueued.set(false);
            passSafely();
          });
    }
  }

  private void passSafely() {
    try {
      pass();
    } catch (RuntimeException e) {
      LOG.error("placement gate pass failed; retried in {} ms", PERIOD_MILLIS, e);
    }
  }

  /**
   * The executors the last pass held at the gate, oldest first, each with the decision's reason
   * (not those whose release is being sent). Empty before the first pass and when none are gated.
   */
  public List<PlacementGate.Held> held() {
    return held;
  }

  /** Decides every gated executor once, oldest first. Runs on the controller's thread only. */
  void pass() {
    if (gated.isEmpty()) {
      held = List.of();
      return;
    }
    if (!ready.getAsBoolean()) {
      return;
    }
    List<PlacementGate.Held> holding = new ArrayList<>();
    ClusterView view = state.snapshot();
    List<Map.Entry<String, Gated>> queue = new ArrayList<>(gated.entrySet());
    queue.sort(Comparator.comparingLong(e -> e.getValue().seenOrder()));
    Map<String, PlacementGate.InFlight> inFlight = new HashMap<>();
    for (Map.Entry<String, Gated> e : queue) {
      String uid = e.getKey();
      Gated g = e.getValue();
      if (sending.contains(uid)) {
        continue; // decided; counted in flight through released
      }
      if (g.info() == null) {
        release(uid, g, new PlacementGate.Release(List.of(), true, "pod unreadable by spotpack"));
        continue;
      }
      String job = roles.jobOf(g.info().labels()).orElse("");
      PlacementGate.InFlight flying =
          inFlight.computeIfAbsent(
              job, j -> j.isEmpty() ? PlacementGate.InFlight.NONE : inFlight(view.job(j)));
      PlacementGate.Decision d =
          gate.decide(
              g.info(), view, flying, hasOwnRequiredTerms(g.pod()), g.info().age(clock.instant()));
      if (d instanceof PlacementGate.Release r) {
        if (release(uid, g, r)) {
          inFlight.put(job, flying.plus(r));
        }
      } else {
        String reason = ((PlacementGate.Hold) d).reason();
        LOG.debug("{} stays gated: {}", g.info().key(), reason);
        holding.add(new PlacementGate.Held(g.info().key(), reason));
      }
    }
    held = List.copyOf(holding);
  }

  /**
   * Pending and not gated by us: released by us for spot (with the pools we excluded), or never
   * gated (anywhere). Released but still shown gated by the informer: counted, as released.
   */
  private PlacementGate.InFlight inFlight(JobExecutors executors) {
    PlacementGate.InFlight flying = PlacementGate.InFlight.NONE;
    for (String uid : executors.pendingExecutorUids()) {
      PlacementGate.Release r = released.get(uid);
      if (r != null) {
        flying = flying.plus(r);
      } else if (!gated.containsKey(uid)) {
        flying = flying.plus(UNKNOWN);
      }
    }
    return flying;
  }

  /** How a pending executor nobody gated counts: for spot, in every pool. */
  private static final PlacementGate.Release UNKNOWN =
      new PlacementGate.Release(List.of(), true, "");

  /**
   * Counts the release in flight and hands its patch to {@link #patches}; the answer settles it:
   * taken, the executor leaves the gated ones; refused, it is decided again (gone: forgotten).
   * False, and nothing sent, if {@code g} is no longer the executor's current gated version: lifted
   * meanwhile by an earlier pass's patch, or changed (the next pass decides the new version).
   */
  private boolean release(String uid, Gated g, PlacementGate.Release r) {
    Pod pod = g.pod();
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    String mergePatch = mapper.writeValueAsString(patch(pod, r));
    synchronized (this) {
      if (gated.get(uid) != g || sending.contains(uid)) {
        return false;
      }
      sending.add(uid);
      released.put(uid, r);
    }
    try {
      patches.execute(() -> send(uid, namespace, name, mergePatch, r));
    } catch (RejectedExecutionException closing) {
      refused(uid);
      return false;
    }
    return true;
  }

  private void send(
      String uid, String namespace, String name, String mergePatch, PlacementGate.Release r) {
    try {
      patcher.patch(namespace, name, mergePatch);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        synchronized (this) {
          sending.remove(uid);
          released.remove(uid);
          gated.remove(uid);
        }
      } else {
        if (e.getCode() != 409) {
          patchErrors.increment();
          LOG.warn(
              "could not lift the placement gate of {}/{}: {} (retried)",
              namespace,
              name,
              reason(e));
        }
        refused(uid);
      }
      return;
    } catch (RuntimeException e) {
      patchErrors.increment();
      LOG.warn("could not lift the placement gate of {}/{} (retried)", namespace, name, e);
      refused(uid);
      return;
    }
    synchronized (this) {
      sending.remove(uid);
      gated.remove(uid);
    }
    (r.spot() ? releasedSpot : releasedOffSpot).increment();
    LOG.debug("{}/{} released: {}", namespace, name, r.explanation());
  }

  /** A release that did not happen: the executor stays gated and is decided again. */
  private void refused(String uid) {
    synchronized (this) {
      sending.remove(uid);
      released.remove(uid);
    }
    queuePass();
  }

  /**
   * The API server's own message (fabric8's exception message names only the operation), or the
   * cause.
   */
  private static String reason(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getCode() + " " + e.getStatus().getMessage();
    }
    return e.getCause() != null ? e.getCause().toString() : e.getMessage();
  }

  /**
   * A JSON merge patch (RFC 7386): the gate list without ours, the required node affinity (ours
   * alone, or our single term's expressions added to each of the pod's own terms: all an update of
   * a gated pod may do), the explanation, and the resourceVersion decided on.
   */
  ObjectNode patch(Pod pod, PlacementGate.Release r) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode meta = root.putObject("metadata");
    meta.put("resourceVersion", pod.getMetadata().getResourceVersion());
    meta.putObject("annotations").put(HINT_ANNOTATION, r.explanation());
    ObjectNode spec = root.putObject("spec");
    ArrayNode gates = spec.putArray("schedulingGates");
    for (PodSchedulingGate g : pod.getSpec().getSchedulingGates()) {
      if (!PlacementGate.GATE.equals(g.getName())) {
        gates.addObject().put("name", g.getName());
      }
    }
    if (r.terms().isEmpty()) {
      return root;
    }
    ArrayNode terms =
        spec.putObject("affinity")
            .putObject("nodeAffinity")
            .putObject("requiredDuringSchedulingIgnoredDuringExecution")
            .putArray("nodeSelectorTerms");
    List<NodeSelectorTerm> own = ownRequiredTerms(pod);
    if (own.isEmpty()) {
      r.terms().forEach(t -> terms.add(withExpressions(JsonNodeFactory.instance.objectNode(), t)));
    } else {
      for (NodeSelectorTerm t : own) {
        ObjectNode existing =
            (ObjectNode) mapper.readTree(client.getKubernetesSerialization().asJson(t));
        terms.add(withExpressions(existing, r.terms().get(0)));
      }
    }
    return root;
  }

  /** {@code term} (a node selector term's JSON, changed in place) with our requirements added. */
  private static ObjectNode withExpressions(ObjectNode term, PlacementGate.Term ours) {
    ArrayNode expressions =
        term.has("matchExpressions") && term.get("matchExpressions").isArray()
            ? (ArrayNode) term.get("matchExpressions")
            : term.putArray("matchExpressions");
    for (PlacementGate.Requirement req : ours.requirements()) {
      ObjectNode e = expressions.addObject();
      e.put("key", req.key());
      e.put("operator", req.operator());
      ArrayNode values = e.putArray("values");
      req.values().forEach(values::add);
    }
    return term;
  }

  static boolean hasGate(Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getSchedulingGates() == null) {
      return false;
    }
    for (PodSchedulingGate g : pod.getSpec().getSchedulingGates()) {
      if (PlacementGate.GATE.equals(g.getName())) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasOwnRequiredTerms(Pod pod) {
    return !ownRequiredTerms(pod).isEmpty();
  }

  private static List<NodeSelectorTerm> ownRequiredTerms(Pod pod) {
    Affinity affinity = pod.getSpec() == null ? null : pod.getSpec().getAffinity();
    @Nullable NodeSelector required =
        affinity == null || affinity.getNodeAffinity() == null
            ? null
            : affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    return required == null || required.getNodeSelectorTerms() == null
        ? List.of()
        : required.getNodeSelectorTerms();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
