package dev.spotpack.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Spark-sized creation burst against a running spotpack and kube-scheduler: {@code pods}
 * executors (jobs of {@code jobSize}, 100 unless given) created as fast as {@code creatorThreads}
 * client threads can, while the scheduler binds them through spotpack. What it reports is what a
 * user would see go wrong: bind calls that failed (spotpack's {@code spotpack_bind_errors_total}),
 * pods bound more than once or not at all, bindings the API server received beyond one per pod, and
 * the most executors of one job that ended on one spot node (the per-node cap's subject).
 *
 * <p>Run alone (docs/benchmarks.md): {@code java -cp target/test-classes:target/classes:$(cat
 * target/cp.txt) dev.spotpack.e2e.ExecutorCreationBurst [nodes [pods [creatorThreads [schedulerQps
 * [jobSize]]]]]}
 */
final class ExecutorCreationBurst {
  /** What one burst came to. */
  record Result(
      int pods,
      int bound,
      double seconds,
      Map<String, Double> bindErrors,
      double bindCalls,
      double bindingPosts,
      double bindApiMeanMillis,
      int boundTwice,
      int maxOnOneSpotNode) {
    double errors() {
      return bindErrors.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    String summary() {
      return String.format(
          Locale.ROOT,
          "%d executors: %d bound in %.1f s (%.0f pods/s); bind calls %.0f, binding POSTs seen by"
              + " the API server %.0f, bind errors %s, bound twice %d; binding POST mean %.1f ms;"
              + " most executors of one job on one spot node %d",
          pods,
          bound,
          seconds,
          bound / seconds,
          bindCalls,
          bindingPosts,
          bindErrors,
          boundTwice,
          bindApiMeanMillis,
          maxOnOneSpotNode);
    }
  }

  private ExecutorCreationBurst() {}

  private static final String NODE_PREFIX = "burst-node-";

  /** Fake nodes, half spot (the even ones, {@link #isSpot}), 16 cores and 110 pods each. */
  static void createNodes(KubernetesClient client, int nodes) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        String name = NODE_PREFIX + i;
        String capacity = isSpot(i) ? "spot" : "on-demand";
        done.add(
            pool.submit(
                () ->
                    FakeNodes.create(
                        client, name, Map.of("karpenter.sh/capacity-type", capacity))));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Creates the burst in a new namespace and waits until every pod is bound, or {@code limit}.
   *
   * @param apiMetrics kube-apiserver's /metrics text, read before and after
   */
  static Result run(
      KubernetesClient client,
      int managementPort,
      MetricsSource apiMetrics,
      String namespace,
      int pods,
      int jobSize,
      int creatorThreads,
      Duration limit)
      throws Exception {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    Map<String, String> boundTo = new ConcurrentHashMap<>();
    AtomicInteger boundTwice = new AtomicInteger();
    CountDownLatch allBound = new CountDownLatch(pods);
    Watch watch =
        client
            .pods()
            .inNamespace(namespace)
            .watch(
                new Watcher<Pod>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    String node = pod.getSpec().getNodeName();
                    if (node == null || node.isEmpty()) {
                      return;
                    }
                    String before = boundTo.putIfAbsent(pod.getMetadata().getName(), node);
                    if (before == null) {
                      allBound.countDown();
                    } else if (!before.equals(node)) {
                      boundTwice
                          .incrementAndGet(); // a bound pod's nodeName never changes: this is a
                      // second pod
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    String spotpack0 = MetricsText.spotpack(managementPort);
    double posts0 = bindingPosts(apiMetrics.read());
    ExecutorService creators = Executors.newFixedThreadPool(creatorThreads);
    long t0 = System.nanoTime();
    try {
      List<Future<?>> created = new ArrayList<>();
      for (int i = 0; i < pods; i++) {
        int n = i;
        created.add(
            creators.submit(
                () ->
                    client
                        .pods()
                        .inNamespace(namespace)
                        .resource(
                            FakeNodes.batchExecutor(namespace, n, jobSize, "spotpack-scheduler"))
                        .create()));
      }
      for (Future<?> f : created) {
        f.get();
      }
      allBound.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      creators.shutdownNow();
      watch.close();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    // binds answered after the last pod was seen bound still count: wait until the verb is quiet
    Thread.sleep(1_000);
    String spotpack1 = MetricsText.spotpack(managementPort);
    Map<String, Double> errors = new TreeMap<>();
    counters(spotpack1, "spotpack_bind_errors_total")
        .forEach(
            (reason, v) -> {
              double d =
                  v - counters(spotpack0, "spotpack_bind_errors_total").getOrDefault(reason, 0.0);
              if (d > 0) {
                errors.put(reason, d);
              }
            });
    double calls =
        MetricsText.value(spotpack1, "spotpack_verb_duration_seconds_count{verb=\"bind\"}")
            - MetricsText.value(spotpack0, "spotpack_verb_duration_seconds_count{verb=\"bind\"}");
    double apiCount =
        MetricsText.value(spotpack1, "spotpack_bind_api_duration_seconds_count")
            - MetricsText.value(spotpack0, "spotpack_bind_api_duration_seconds_count");
    double apiSum =
        MetricsText.value(spotpack1, "spotpack_bind_api_duration_seconds_sum")
            - MetricsText.value(spotpack0, "spotpack_bind_api_duration_seconds_sum");
    return new Result(
        pods,
        boundTo.size(),
        seconds,
        errors,
        calls,
        bindingPosts(apiMetrics.read()) - posts0,
        apiCount == 0 ? 0 : 1000 * apiSum / apiCount,
        boundTwice.get(),
        maxOnOneSpotNode(boundTo, jobSize));
  }

  /** Whether {@link #createNodes}'s node is spot. */
  static boolean isSpot(String node) {
    return isSpot(Integer.parseInt(node.substring(NODE_PREFIX.length())));
  }

  private static boolean isSpot(int node) {
    return node % 2 == 0;
  }

  /** The most executors of one job on one spot node; executor exec-N is in job N / jobSize. */
  private static int maxOnOneSpotNode(Map<String, String> boundTo, int jobSize) {
    Map<String, Integer> perJobAndNode = new TreeMap<>();
    boundTo.forEach(
        (pod, node) -> {
          if (isSpot(node)) {
            int job = Integer.parseInt(pod.substring("exec-".length())) / jobSize;
            perJobAndNode.merge(job + "/" + node, 1, Integer::sum);
          }
        });
    return perJobAndNode.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  /** kube-apiserver's metrics text. */
  interface MetricsSource {
    String read() throws Exception;
  }

  /** The bindings kube-apiserver answered, whoever sent them. */
  private static double bindingPosts(String apiMetrics) {
    return MetricsText.sum(
        apiMetrics,
        "apiserver_request_total",
        "resource=\"pods\"",
        "subresource=\"binding\"",
        "verb=\"POST\"");
  }

  private static Map<String, Double> counters(String metrics, String name) {
    Map<String, Double> out = new TreeMap<>();
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + "{")) {
        int reason = line.indexOf("reason=\"");
        String key = reason < 0 ? "" : line.substring(reason + 8, line.indexOf('"', reason + 8));
        out.merge(key, MetricsText.sample(line), Double::sum);
      }
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int pods = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int creators = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    // kube-scheduler's client rate limit (qps; burst twice that); 0: the shipped config's default
    int qps = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    int jobSize = args.length > 4 ? Integer.parseInt(args[4]) : FakeNodes.BATCH_JOB_SIZE;
    KubeBinaries.Found bin = KubeBinaries.locate();
    if (bin.dir().isEmpty()) {
      System.err.println("cannot run: " + bin.reason());
      System.exit(2);
    }
    Path dir = Path.of("target/e2e/burst-" + System.currentTimeMillis()).toAbsolutePath();
    Files.createDirectories(dir);
    try (LocalControlPlane.ApiServer api = LocalControlPlane.startApiServer(bin.dir().get(), dir)) {
      createNodes(api.client(), nodes);
      await()
          .atMost(Duration.ofMinutes(5))
          .until(() -> api.client().nodes().list().getItems().size() == nodes);
      var spotpack =
          SpotpackAndScheduler.start(
              bin.dir().get(), dir, api.kubeconfig(), api.processes(), api.insecure(), qps);
      try {
        Result r =
            run(
                api.client(),
                spotpack.managementPort(),
                api::metrics,
                "burst",
                pods,
                jobSize,
                creators,
                Duration.ofMinutes(10));
        System.out.println(r.summary());
      } finally {
        spotpack.stop();
      }
    }
  }
}
