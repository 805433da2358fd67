package dev.spotpack.e2e;

import static org.awaitility.Awaitility.await;

import dev.spotpack.app.ExtenderApp;
import dev.spotpack.policy.spot.SpotAnnotations;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.jspecify.annotations.Nullable;

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
 * [jobSize]]]]] [--webhook] [--pool-labels] [--profile=NAME] [--no-bind] [--prefer-spot]}: {@code
 * --webhook} registers the shipped spread-hint webhook, so every executor also waits for spotpack's
 * placement gate to be lifted; {@code --pool-labels} gives the nodes 12 capacity pools; {@code
 * --profile} annotates the executors with a spotpack profile; {@code --no-bind} drops the scheduler
 * config's {@code bindVerb}, so that kube-scheduler binds and spotpack learns each placement from
 * its watch (not a supported setting: it measures what being the binder buys); {@code
 * --prefer-spot} gives the executors the node affinity of docs/spark/executor-template.yaml (spot
 * preferred, on-demand allowed), as the Spark recipe does, where otherwise MostAllocated picks
 * among spot and on-demand nodes alike.
 */
final class ExecutorCreationBurst {
  /**
   * What one burst came to; times in seconds from the first creation.
   *
   * @param createdSeconds when the API server had answered every creation
   * @param ungatedSeconds when the last pod was first seen without a scheduling gate (with the
   *     webhook: when spotpack lifted the last gate; without it, about when the last was created)
   * @param gateReleasesSpot executors whose placement gate spotpack lifted for spot (with the
   *     webhook)
   */
  record Result(
      int pods,
      int bound,
      double seconds,
      double createdSeconds,
      double ungatedSeconds,
      Map<String, Double> bindErrors,
      double bindCalls,
      double bindingPosts,
      double bindApiMeanMillis,
      int boundTwice,
      int onSpot,
      int maxOnOneSpotNode,
      double gateReleasesSpot,
      double gateReleasesOffSpot,
      double gatePatchErrors) {
    double errors() {
      return bindErrors.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    String summary() {
      String gate =
          gateReleasesSpot + gateReleasesOffSpot + gatePatchErrors == 0
              ? ""
              : String.format(
                  Locale.ROOT,
                  "; placement gate lifted for spot %.0f, off spot %.0f, patches refused %.0f",
                  gateReleasesSpot,
                  gateReleasesOffSpot,
                  gatePatchErrors);
      return String.format(
          Locale.ROOT,
          "%d executors: %d bound in %.1f s (%.0f pods/s; all created by %.1f s, all seen without"
              + " a scheduling gate by %.1f s); bind calls %.0f, binding POSTs seen by"
              + " the API server %.0f, bind errors %s, bound twice %d; binding POST mean %.1f ms;"
              + " executors on spot nodes %d; most executors of one job on one spot node %d%s",
          pods,
          bound,
          seconds,
          bound / seconds,
          createdSeconds,
          ungatedSeconds,
          bindCalls,
          bindingPosts,
          bindErrors,
          boundTwice,
          bindApiMeanMillis,
          onSpot,
          maxOnOneSpotNode,
          gate);
    }
  }

  private ExecutorCreationBurst() {}

  private static final String NODE_PREFIX = "burst-node-";

  /**
   * Fake nodes, half spot (the even ones, {@link #isSpot}), 16 cores and 110 pods each. With {@code
   * poolLabels}, each node also has an instance type (one of 4) and a zone (one of 3), so the spot
   * nodes make 12 capacity pools, as on a real cluster; without, each spot node is a pool of its
   * own that no label names.
   */
  private static void createNodes(KubernetesClient client, int nodes, boolean poolLabels)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        String name = NODE_PREFIX + i;
        Map<String, String> labels = new TreeMap<>();
        labels.put("karpenter.sh/capacity-type", isSpot(i) ? "spot" : "on-demand");
        if (poolLabels) {
          labels.put("node.kubernetes.io/instance-type", FakeNodes.INSTANCE_TYPES.get(i / 2 % 4));
          labels.put("topology.kubernetes.io/zone", FakeNodes.ZONES.get(i / 8 % 3));
        }
        done.add(pool.submit(() -> FakeNodes.create(client, name, labels)));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * One burst on a fresh local control plane.
   *
   * @param poolLabels the nodes in 12 capacity pools ({@link #createNodes})
   * @param webhook the shipped spread-hint webhook in front, so every executor waits behind
   *     spotpack's placement gate
   * @param schedulerQps kube-scheduler's client rate limit (burst twice that); 0 keeps the shipped
   *     config's
   * @param annotations put on every executor (spotpack's, say); may be empty
   * @param preferSpot executors prefer spot nodes, as the Spark recipe's template makes them
   * @param nodesLimit how long the nodes may take to be listed
   * @param limit how long the executors may take to be bound
   */
  record Setup(
      int nodes,
      boolean poolLabels,
      boolean webhook,
      int schedulerQps,
      int pods,
      int jobSize,
      int creatorThreads,
      Map<String, String> annotations,
      boolean preferSpot,
      boolean withoutBind,
      Duration nodesLimit,
      Duration limit) {}

  /**
   * Starts an API server in {@code dir} with {@code bin}'s binaries, the nodes, spotpack (in this
   * JVM) and kube-scheduler, and runs the burst.
   */
  static Result onLocalControlPlane(Path bin, Path dir, Setup setup) throws Exception {
    String serverYaml = setup.webhook() ? ShippedWebhook.serverYaml(dir) : "";
    try (LocalControlPlane.ApiServer api = LocalControlPlane.startApiServer(bin, dir)) {
      createNodes(api.client(), setup.nodes(), setup.poolLabels());
      await()
          .atMost(setup.nodesLimit())
          .until(() -> api.client().nodes().list().getItems().size() == setup.nodes());
      ExtenderApp spotpack =
          SpotpackAndScheduler.start(
              bin,
              dir,
              api.kubeconfig(),
              api.processes(),
              api.insecure(),
              setup.schedulerQps(),
              serverYaml,
              setup.withoutBind() ? SchedulerConfigFile::withoutBindVerb : config -> config);
      try {
        if (setup.webhook()) {
          ShippedWebhook.register(api.client(), spotpack, dir);
        }
        return run(api.client(), spotpack.managementPort(), api::metrics, "burst", setup);
      } finally {
        spotpack.stop();
      }
    }
  }

  /**
   * Creates the burst in a new namespace and waits until every pod is bound, or {@code limit}.
   *
   * @param apiMetrics kube-apiserver's /metrics text, read before and after
   */
  private static Result run(
      KubernetesClient client,
      int managementPort,
      MetricsSource apiMetrics,
      String namespace,
      Setup setup)
      throws Exception {
    int pods = setup.pods();
    int jobSize = setup.jobSize();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    Map<String, String> boundTo = new ConcurrentHashMap<>();
    AtomicInteger boundTwice = new AtomicInteger();
    CountDownLatch allBound = new CountDownLatch(pods);
    // when each pod was first seen without a scheduling gate: with the webhook, when spotpack
    // lifted its gate; without, when it was created
    Map<String, Long> ungatedAt = new ConcurrentHashMap<>();
    Watch watch =
        client
            .pods()
            .inNamespace(namespace)
            .watch(
                new Watcher<Pod>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    List<?> gates = pod.getSpec().getSchedulingGates();
                    if (gates == null || gates.isEmpty()) {
                      ungatedAt.putIfAbsent(pod.getMetadata().getName(), System.nanoTime());
                    }
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
    Affinity affinity = setup.preferSpot() ? recipeAffinity() : null;
    String spotpack0 = MetricsText.spotpack(managementPort);
    double posts0 = bindingPosts(apiMetrics.read());
    ExecutorService creators = Executors.newFixedThreadPool(setup.creatorThreads());
    long t0 = System.nanoTime();
    double createdSeconds = Double.NaN;
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
                            shaped(
                                FakeNodes.batchExecutor(
                                    namespace, n, jobSize, "spotpack-scheduler"),
                                setup,
                                affinity))
                        .create()));
      }
      for (Future<?> f : created) {
        f.get();
      }
      createdSeconds = (System.nanoTime() - t0) / 1e9;
      allBound.await(setup.limit().toMillis(), TimeUnit.MILLISECONDS);
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
        createdSeconds,
        ungatedAt.values().stream().mapToLong(t -> t - t0).max().orElse(-1) / 1e9,
        errors,
        calls,
        bindingPosts(apiMetrics.read()) - posts0,
        apiCount == 0 ? 0 : 1000 * apiSum / apiCount,
        boundTwice.get(),
        (int) boundTo.values().stream().filter(ExecutorCreationBurst::isSpot).count(),
        maxOnOneSpotNode(boundTo, jobSize),
        increase(spotpack0, spotpack1, "spotpack_gate_releases_total", "placement=\"spot\""),
        increase(spotpack0, spotpack1, "spotpack_gate_releases_total", "placement=\"off_spot\""),
        increase(spotpack0, spotpack1, "spotpack_gate_patch_errors_total"));
  }

  private static double increase(
      String before, String after, String name, String... labelFragments) {
    return MetricsText.sum(after, name, labelFragments)
        - MetricsText.sum(before, name, labelFragments);
  }

  /** The executor with the setup's annotations, and {@code affinity} unless it is null. */
  private static Pod shaped(Pod pod, Setup setup, @Nullable Affinity affinity) {
    if (!setup.annotations().isEmpty()) {
      pod.getMetadata().setAnnotations(new TreeMap<>(setup.annotations()));
    }
    pod.getSpec().setAffinity(affinity);
    return pod;
  }

  /** The Spark recipe's executor template's node affinity: spot preferred, on-demand allowed. */
  private static Affinity recipeAffinity() throws IOException {
    Affinity affinity =
        Serialization.unmarshal(
                Files.readString(SparkRecipeE2EIT.RECIPE.resolve("executor-template.yaml")),
                Pod.class)
            .getSpec()
            .getAffinity();
    if (affinity == null || affinity.getNodeAffinity() == null) {
      throw new IllegalStateException("the recipe's executor template has no node affinity");
    }
    return affinity;
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

  public static void main(String[] allArgs) throws Exception {
    List<String> options = Arrays.stream(allArgs).filter(a -> a.startsWith("--")).toList();
    for (String option : options) {
      if (!option.equals("--webhook")
          && !option.equals("--pool-labels")
          && !option.equals("--no-bind")
          && !option.equals("--prefer-spot")
          && !option.startsWith("--profile=")) {
        System.err.println(
            "unknown option "
                + option
                + ": --webhook, --pool-labels, --no-bind, --prefer-spot and --profile=NAME are"
                + " known");
        System.exit(2);
      }
    }
    // --profile=NAME: the executors' spotpack.dev/profile annotation; COST_OVER_RELIABILITY's
    // per-pool fraction of 1.0 lets the gate lift every executor at once, which times the gate's
    // lifts alone rather than as binding frees its pool caps
    Map<String, String> annotations =
        options.stream()
            .filter(o -> o.startsWith("--profile="))
            .findFirst()
            .map(o -> Map.of(SpotAnnotations.PROFILE, o.substring("--profile=".length())))
            .orElse(Map.of());
    // --webhook: the shipped spread-hint webhook registered with the API server and served by
    // spotpack over HTTPS, so that every executor is created with spotpack's placement gate and
    // waits for spotpack to lift it (server.webhook.placementGate, on by default)
    boolean webhook = options.contains("--webhook");
    boolean poolLabels = options.contains("--pool-labels");
    String[] args = Arrays.stream(allArgs).filter(a -> !a.startsWith("--")).toArray(String[]::new);
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
    Result r =
        onLocalControlPlane(
            bin.dir().get(),
            dir,
            new Setup(
                nodes,
                poolLabels,
                webhook,
                qps,
                pods,
                jobSize,
                creators,
                annotations,
                options.contains("--prefer-spot"),
                options.contains("--no-bind"),
                Duration.ofMinutes(5),
                Duration.ofMinutes(10)));
    System.out.println(r.summary());
  }
}
