package dev.spotpack.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.spotpack.bind.Binder;
import dev.spotpack.cluster.AssumptionListener;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.extender.ExtenderCalls;
import dev.spotpack.extender.LiveClusterSource;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.kube.LeanDecoding;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodDemand;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.protocol.ExtenderFilterResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What spotpack does for one executor in kube-scheduler's loop, without HTTP and the API server:
 * the informer reports the pod, the filter call decides over {@code candidates} node names (live
 * state, so the pod goes in flight to every spot node it allowed), and the bind of the pod filtered
 * {@code inFlight} calls earlier lands (assumed, then confirmed by the informer). kube-scheduler
 * binds asynchronously, so several executors are in flight at each filter call, as in
 * SchedulerThroughput. Jobs of {@code jobSize} executors; a job is deleted three jobs later, so the
 * state stays the same size. Half the nodes are spot; with 4 instance types in 3 zones, 12 pools,
 * the spot nodes (the even ones, two of the types) in 6 of them; or, with {@code poolLabels=false},
 * without the instance-type and zone labels: each node a pool of its own, like
 * SchedulerThroughput's fake nodes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1)
public class LoopBenchmark {
  private static final long GI = 1024L * 1024 * 1024;
  private static final String[] TYPES = {
    "m6i.4xlarge", "m6i.8xlarge", "r6i.4xlarge", "c6i.8xlarge"
  };
  private static final String[] ZONES = {"us-east-1a", "us-east-1b", "us-east-1c"};

  @Param({"500"})
  public int nodes;

  /**
   * Executors per job. Spark jobs run from tens to a few thousand executors; every figure before
   * stop 39 is with 100.
   */
  @Param({"100"})
  public int jobSize;

  /** Node names per filter call: kube-scheduler sends what passed its own filters. */
  @Param({"230"})
  public int candidates;

  /** Executors whose bind has not landed when the next filter call comes. */
  @Param({"4"})
  public int inFlight;

  @Param({"true"})
  public boolean poolLabels;

  /**
   * Whether the filter's answer is also written as JSON, as the route writes it (since stop 28; the
   * figures before it are without).
   */
  @Param({"false"})
  public boolean written;

  /**
   * Where the filter call's pod comes from: {@code informer}, the state's pod found by the
   * request's uid and resourceVersion, as in the live loop since stop 34; {@code request}, the
   * request's copy read and converted (every figure before stop 34).
   */
  @Param({"informer"})
  public String podRead;

  private final ByteArrayOutputStream answer = new ByteArrayOutputStream(16 * 1024);

  private ClusterState state;
  private ExtenderCalls calls;
  private byte[] namesJson;
  private final Deque<PodInfo> awaitingBind = new ArrayDeque<>();
  private final Deque<List<String>> awaitingNodes = new ArrayDeque<>();
  private long next;

  @Setup(Level.Trial)
  public void setUp() {
    state =
        new ClusterState(
            PodRoles.SPARK, Ticker.systemTicker(), Duration.ofMinutes(2), AssumptionListener.NONE);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      String name = "node-" + i;
      names.add(name);
      Map<String, String> labels = new HashMap<>();
      labels.put("karpenter.sh/capacity-type", i % 2 == 0 ? "spot" : "on-demand");
      labels.put("kubernetes.io/hostname", name);
      if (poolLabels) {
        labels.put("node.kubernetes.io/instance-type", TYPES[i % TYPES.length]);
        labels.put("topology.kubernetes.io/zone", ZONES[(i / TYPES.length) % ZONES.length]);
      }
      state.upsertNode(new NodeInfo(name, labels, Resources.cpuMemory(31_850, 124 * GI)));
    }
    StringBuilder json = new StringBuilder();
    for (String n : names.subList(0, Math.min(candidates, nodes))) {
      json.append(json.isEmpty() ? "" : ",").append('"').append(n).append('"');
    }
    namesJson = json.toString().getBytes(StandardCharsets.UTF_8);
    // the app's decoding: the request's pod is converted through LeanDecoding's serialization
    KubeModel model = new KubeModel(LeanDecoding.serialization(), PodRoles.SPARK.labelKeys());
    Binder unused =
        request -> {
          throw new UnsupportedOperationException("the benchmark binds through the state");
        };
    calls =
        ExtenderCalls.wire(
            new SpotPolicy(SpotpackConfig.DEFAULT.policy()),
            new LiveClusterSource(state, () -> true),
            unused,
            model,
            new SimpleMeterRegistry(),
            System::nanoTime,
            Clock.systemUTC());
  }

  @Benchmark
  public Object podLifecycle() {
    long i = next++;
    String job = "spark-" + (i / jobSize);
    PodInfo pod =
        new PodInfo(
            "uid-" + i,
            "spark",
            job + "-exec-" + (i % jobSize),
            Map.of("spark-app-selector", job, "spark-role", "executor"),
            Map.of(),
            null,
            new PodDemand(Resources.cpuMemory(1000, GI), Resources.cpuMemory(1000, GI)));
    if (podRead.equals("informer")) {
      state.upsertPod(pod, "1"); // the filter call finds it by uid and resourceVersion
    } else {
      state.upsertPod(pod); // no version: the call converts its own copy
    }
    ExtenderCalls.Reply reply = calls.filter(body(pod));
    if (written) {
      answer.reset();
      calls.write(reply.body(), answer);
    }
    List<String> feasible = ((ExtenderFilterResult) reply.body()).nodeNames();
    awaitingBind.addLast(pod);
    awaitingNodes.addLast(feasible == null ? List.of() : feasible);
    if (awaitingBind.size() > inFlight) {
      PodInfo bound = awaitingBind.removeFirst();
      List<String> choices = awaitingNodes.removeFirst();
      if (!choices.isEmpty()) {
        String node = choices.get((int) (i % choices.size()));
        state.assumeBound(bound.uid(), node);
        state.upsertPod(bound.boundTo(node));
      }
    }
    if (i % jobSize == 0 && i >= 3 * jobSize) {
      long first = i - 3 * jobSize;
      for (long k = first; k < first + jobSize; k++) {
        state.removePod("uid-" + k);
      }
    }
    return reply;
  }

  private byte[] body(PodInfo pod) {
    String head =
        "{\"Pod\":{\"metadata\":{\"name\":\""
            + pod.name()
            + "\",\"namespace\":\"spark\",\"uid\":\""
            + pod.uid()
            + "\",\"resourceVersion\":\"1\",\"creationTimestamp\":\"2026-12-02T10:00:00Z\","
            + "\"labels\":{\"spark-app-selector\":\""
            + pod.labels().get("spark-app-selector")
            + "\",\"spark-role\":\"executor\"}},\"spec\":{\"containers\":[{\"name\":\"executor\","
            + "\"image\":\"apache/spark:4.1.2\",\"resources\":{\"requests\":{\"cpu\":\"1\","
            + "\"memory\":\"1Gi\"}}}],\"schedulerName\":\"spotpack-scheduler\"},\"status\":{\"phase\":\"Pending\"}},"
            + "\"Nodes\":null,\"NodeNames\":[";
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[h.length + namesJson.length + 2];
    System.arraycopy(h, 0, body, 0, h.length);
    System.arraycopy(namesJson, 0, body, h.length, namesJson.length);
    body[body.length - 2] = ']';
    body[body.length - 1] = '}';
    return body;
  }
}
