package dev.spotpack.bench;

import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.extender.ExtenderCalls;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.policy.FilterDecision;
import dev.spotpack.policy.NodeScore;
import dev.spotpack.policy.PolicyConfig;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.protocol.ExtenderArgs;
import dev.spotpack.protocol.ExtenderJson;
import dev.spotpack.protocol.NameTable;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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
 * One filter or prioritize call at cluster scale, with every candidate node named
 * (nodeCacheCapable): {@code *Call} is the whole server-side path from request bytes to the reply
 * object (JSON parse, pod conversion, snapshot, decision); {@code policy*} is the decision alone;
 * {@code snapshotAfterPodChange} is one pod update followed by the snapshot the next call reads.
 * Run: docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g"})
public class VerbBenchmark {
  @Param({"5000"})
  public int nodes;

  @Param({"150000"})
  public int pods;

  /**
   * sorted: one request naming the nodes in the cluster's order, sent every time; shuffled: 16
   * requests naming them in random orders (seeded), taken in turn, as kube-scheduler never repeats
   * an order (docs/benchmarks-log.md, stop 40). Only the calls that read {@link #body()} use it.
   */
  @Param({"sorted"})
  public String order;

  private ExtenderCalls calls;
  private SpotPolicy policy;
  private LargeCluster cluster;
  private byte[] body;
  private byte[][] bodies;
  private int next;
  private byte[] fullNodeBody;
  private byte[] driverBody;
  private PodInfo pod;
  private ExtenderJson json;
  private NameTable knownNames;

  @Setup(Level.Trial)
  public void setUp() {
    cluster = new LargeCluster(nodes, pods);
    KubeModel model = new KubeModel(new KubernetesSerialization(), PodRoles.SPARK.labelKeys());
    calls =
        ExtenderCalls.overSnapshot(
            SpotpackConfig.DEFAULT.policy(),
            cluster.state,
            model,
            new SimpleMeterRegistry(),
            System::nanoTime,
            Clock.systemUTC());
    policy = new SpotPolicy(PolicyConfig.DEFAULT);
    json = new ExtenderJson(model::keepsLabel, KubeModel::keepsAnnotation);
    knownNames = NameTable.of(cluster.state.snapshot().nodeNames());
    String args = cluster.args(cluster.nodeNames);
    body = args.getBytes(StandardCharsets.UTF_8);
    bodies =
        switch (order) {
          case "sorted" -> new byte[][] {body};
          case "shuffled" -> shuffledBodies();
          default -> throw new IllegalArgumentException("order: sorted or shuffled, not " + order);
        };
    driverBody =
        cluster.args(cluster.nodeNames, "driver", "driver").getBytes(StandardCharsets.UTF_8);
    pod =
        new PodInfo(
            "uid-new",
            "spark",
            "spark-7-exec-new",
            Map.of("spark-app-selector", "spark-7", "spark-role", "executor"),
            Map.of(),
            null,
            new dev.spotpack.policy.model.PodDemand(
                dev.spotpack.policy.model.Resources.cpuMemory(3000, 11 * LargeCluster.GI),
                dev.spotpack.policy.model.Resources.cpuMemory(3000, 11 * LargeCluster.GI)));
    fullNodeBody = cluster.fullNodeArgs(Math.min(1000, nodes)).getBytes(StandardCharsets.UTF_8);
    // the pod is seen once, as kube-scheduler's first call would make it known
    calls.filter(body);
  }

  private byte[][] shuffledBodies() {
    byte[][] shuffled = new byte[LargeCluster.SHUFFLED_ORDERS][];
    for (int k = 0; k < shuffled.length; k++) {
      shuffled[k] = cluster.shuffledArgs(k + 1).getBytes(StandardCharsets.UTF_8);
    }
    return shuffled;
  }

  /** The next request of {@link #order}. */
  private byte[] body() {
    byte[] b = bodies[next];
    next = next + 1 == bodies.length ? 0 : next + 1;
    return b;
  }

  @Benchmark
  public Object filterCall() {
    return calls.filter(body());
  }

  /** Reading {@link #filterCall}'s request alone: the pod as a tree, the names into a list. */
  @Benchmark
  public ExtenderArgs readFilterRequest() {
    return json.readArgs(body(), knownNames);
  }

  /** {@link #filterCall} and its answer written as the HTTP layer sends it. */
  @Benchmark
  public byte[] filterCallWritten() {
    return calls.write(calls.filter(body()).body());
  }

  /** A driver's filter call: every spot node rejected, each rejection counted in the metrics. */
  @Benchmark
  public Object driverFilterCall() {
    return calls.filter(driverBody);
  }

  @Benchmark
  public Object prioritizeCall() {
    return calls.prioritize(body());
  }

  /** {@link #prioritizeCall} and its answer written as the HTTP layer sends it. */
  @Benchmark
  public byte[] prioritizeCallWritten() {
    return calls.write(calls.prioritize(body()).body());
  }

  /** nodeCacheCapable: false with 1,000 full Node objects (about 2.5 MB of JSON). */
  @Benchmark
  public Object fullNodeFilterCall() {
    return calls.filter(fullNodeBody);
  }

  private long churn;

  /**
   * Informer churn: one executor moves between two nodes (an update of one pod), then the next
   * request takes a snapshot. What every bind costs before the next filter call can decide.
   */
  @Benchmark
  public Object snapshotAfterPodChange() {
    churn++;
    String node = cluster.nodeNames.get((int) (churn % 2));
    cluster.state.upsertPod(
        new PodInfo(
            "uid-churn",
            "spark",
            "spark-7-exec-churn",
            Map.of("spark-app-selector", "spark-7", "spark-role", "executor"),
            Map.of(),
            node,
            pod.demand()));
    return cluster.state.snapshot();
  }

  @Benchmark
  public FilterDecision policyFilter() {
    return policy.filter(pod, cluster.nodeNames, cluster.state.snapshot());
  }

  @Benchmark
  public List<NodeScore> policyPrioritize() {
    return policy.prioritize(pod, cluster.nodeNames, cluster.state.snapshot());
  }
}
