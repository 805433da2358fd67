package dev.spotpack.extender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.bind.BindResult;
import dev.spotpack.bind.Binder;
import dev.spotpack.cluster.AssumptionListener;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.policy.PolicyConfig;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.score.MostAllocatedScorer;
import dev.spotpack.policy.score.ResourceWeights;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.testing.Build;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A burst of 200 executors of one job, created at once, scheduled one after another as
 * kube-scheduler does: its own cache knows every placement at once; it calls filter, scores
 * feasible nodes with its in-tree MostAllocated plus the extender's prioritize × weight 1 × 10,
 * takes the best, and binds <em>asynchronously</em>: spotpack's bind for a pod arrives only after
 * the filter calls of the next {@value #BIND_LAG_PODS} pods (what the e2e run against a real
 * kube-scheduler showed). The informer reports each binding only after {@value #INFORMER_LAG_PODS}
 * further pods.
 *
 * <p>Cluster: 4 spot nodes of 96 cpu, 2 on-demand of 64 cpu; executors of 1 cpu and 2 GiB. Without
 * caps, MostAllocated would put 96 executors on the first spot node. With the default BALANCED
 * profile, N = 200 and C = floor(0.25 × 200) = 50: 4 spot nodes × 50 = 200, so every executor fits
 * on spot at exactly the cap.
 *
 * <p>The second test turns spotpack's placement record off and shows the failure it exists to
 * prevent: spotpack sees counts that are 40 pods old and lets one spot node far past its cap. It is
 * a documented negative test: it asserts that the cap IS exceeded.
 */
class ExecutorBurstTest {
  static final int EXECUTORS = 200;
  static final int INFORMER_LAG_PODS = 40;
  static final int BIND_LAG_PODS = 3;
  static final int CAP = 50;
  static final long GI = 1024L * 1024 * 1024;
  static final JsonMapper JSON = JsonMapper.builder().build();

  record Outcome(Map<String, Integer> finalCount, int worstCountSeen, int placed) {}

  @Test
  void capsHoldThroughTheBurstAndEveryExecutorIsPlaced(TestReporter report) {
    Outcome outcome = burst(true);
    report.publishEntry("with placement record", outcome.toString());
    assertThat(outcome.placed()).isEqualTo(EXECUTORS);
    assertThat(outcome.worstCountSeen()).isLessThanOrEqualTo(CAP);
    assertThat(outcome.finalCount())
        .containsEntry("spot-1", 50)
        .containsEntry("spot-2", 50)
        .containsEntry("spot-3", 50)
        .containsEntry("spot-4", 50);
  }

  @Test
  void withoutThePlacementRecordTheStaleViewBreaksTheCap(TestReporter report) {
    Outcome outcome = burst(false);
    report.publishEntry("without placement record", outcome.toString());
    // spotpack sees each node's count 40 pods late: 50 + up to 40 more pass before it notices
    assertThat(outcome.worstCountSeen()).isGreaterThan(CAP);
  }

  private Outcome burst(boolean recordPlacements) {
    AtomicLong nanos = new AtomicLong();
    PolicyConfig config = PolicyConfig.DEFAULT;
    ClusterState state =
        new ClusterState(
            config.roles(),
            nanos::get,
            // without the placement record: every record ends as it is made
            recordPlacements ? Duration.ofMinutes(2) : Duration.ZERO,
            AssumptionListener.NONE);
    List<NodeInfo> nodes = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      nodes.add(
          Build.node("spot-" + i, 96_000, 384 * GI, Map.of("karpenter.sh/capacity-type", "spot")));
    }
    for (int i = 1; i <= 2; i++) {
      nodes.add(
          Build.node(
              "od-" + i, 64_000, 256 * GI, Map.of("karpenter.sh/capacity-type", "on-demand")));
    }
    nodes.forEach(state::upsertNode);
    List<PodInfo> pods = new ArrayList<>();
    for (int i = 1; i <= EXECUTORS; i++) {
      PodInfo p = Build.executor("spark-burst", "exec-" + i).requests(1000, 2 * GI).build();
      pods.add(p);
      state.upsertPod(p); // the informer has seen every executor created, all pending
    }

    // the API server's truth, and the informer events it has not delivered yet
    Map<String, String> boundTo = new HashMap<>();
    Queue<PodInfo> undelivered = new ArrayDeque<>();
    Binder binder =
        request -> {
          PodInfo pod = state.pod(request.namespace(), request.name()).orElseThrow();
          boundTo.put(pod.uid(), request.node());
          undelivered.add(pod.boundTo(request.node()));
          state.assumeBound(
              pod.uid(), request.node()); // what KubeBinder does after a successful POST
          return CompletableFuture.completedFuture(BindResult.bound());
        };
    ClusterSource source = new LiveClusterSource(state, () -> true);
    SpotPolicy policy = new SpotPolicy(config);
    ExtenderCalls calls =
        new ExtenderCalls(
            new FilterVerb(
                policy,
                source,
                new KubeModel(new KubernetesSerialization(), PodRoles.SPARK.labelKeys()),
                Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC)),
            new PrioritizeVerb(
                policy,
                source,
                new KubeModel(new KubernetesSerialization(), PodRoles.SPARK.labelKeys())),
            new BindVerb(binder, source),
            new dev.spotpack.protocol.ExtenderJson(),
            new VerbMetrics(new SimpleMeterRegistry()),
            nanos::get,
            source);

    // kube-scheduler's own cache: exact, updated at assume time
    Map<String, Resources> schedulerRequested = new LinkedHashMap<>();
    nodes.forEach(n -> schedulerRequested.put(n.name(), Resources.NONE));
    MostAllocatedScorer inTree = new MostAllocatedScorer(ResourceWeights.CPU_AND_MEMORY);
    Map<String, Integer> spotCount = new HashMap<>();
    Queue<String> bindsInFlight = new ArrayDeque<>();
    int worst = 0;
    int placed = 0;

    for (PodInfo pod : pods) {
      List<String> fits = new ArrayList<>();
      for (NodeInfo n : nodes) {
        Resources after = schedulerRequested.get(n.name()).plus(pod.demand().requested());
        if (after.cpuMillis() <= n.allocatable().cpuMillis()
            && after.memoryBytes() <= n.allocatable().memoryBytes()) {
          fits.add(n.name());
        }
      }
      String args = args(pod, fits);
      JsonNode filtered = JSON.readTree(json(calls.filter(bytes(args)).body()));
      List<String> feasible = new ArrayList<>();
      filtered.get("NodeNames").forEach(n -> feasible.add(n.stringValue()));
      if (feasible.isEmpty()) {
        continue;
      }
      String best = feasible.get(0);
      if (feasible.size() > 1) {
        JsonNode scores = JSON.readTree(json(calls.prioritize(bytes(args(pod, feasible))).body()));
        long bestScore = Long.MIN_VALUE;
        for (JsonNode s : scores) {
          String name = s.get("Host").stringValue();
          NodeInfo n = nodes.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
          long total =
              inTree.score(
                      n.allocatable(),
                      schedulerRequested.get(name),
                      pod.demand().nonZeroRequested())
                  + s.get("Score").longValue() * 10;
          if (total > bestScore) {
            bestScore = total;
            best = name;
          }
        }
      }
      schedulerRequested.merge(best, pod.demand().requested(), Resources::plus);
      bindsInFlight.add(
          "{\"PodName\":\""
              + pod.name()
              + "\",\"PodNamespace\":\""
              + pod.namespace()
              + "\",\"PodUID\":\""
              + pod.uid()
              + "\",\"Node\":\""
              + best
              + "\"}");
      while (bindsInFlight.size() > BIND_LAG_PODS) {
        bind(calls, bindsInFlight.remove());
      }
      placed++;
      if (best.startsWith("spot-")) {
        worst = Math.max(worst, spotCount.merge(best, 1, Integer::sum));
      }
      while (undelivered.size() > INFORMER_LAG_PODS) {
        state.upsertPod(undelivered.remove());
      }
      nanos.addAndGet(Duration.ofMillis(20).toNanos());
    }
    while (!bindsInFlight.isEmpty()) {
      bind(calls, bindsInFlight.remove());
    }
    return new Outcome(spotCount, worst, placed);
  }

  private static void bind(ExtenderCalls calls, String body) {
    JsonNode bound =
        JSON.readTree(json(calls.bind(bytes(body)).toCompletableFuture().join().body()));
    assertThat(bound.get("Error").stringValue()).isEmpty();
  }

  private static String args(PodInfo pod, List<String> nodeNames) {
    StringBuilder names = new StringBuilder();
    for (String n : nodeNames) {
      names.append(names.isEmpty() ? "" : ",").append('"').append(n).append('"');
    }
    return "{\"Pod\":{\"metadata\":{\"name\":\""
        + pod.name()
        + "\",\"namespace\":\""
        + pod.namespace()
        + "\",\"uid\":\""
        + pod.uid()
        + "\",\"creationTimestamp\":null,\"labels\":{\"spark-app-selector\":\"spark-burst\","
        + "\"spark-role\":\"executor\"}},\"spec\":{\"containers\":[{\"name\":\"executor\",\"resources\":{\"requests\":"
        + "{\"cpu\":\"1\",\"memory\":\"2Gi\"}}}]},\"status\":{}},\"Nodes\":null,\"NodeNames\":["
        + names
        + "]}";
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String json(Object body) {
    return new String(new dev.spotpack.protocol.ExtenderJson().write(body), StandardCharsets.UTF_8);
  }
}
