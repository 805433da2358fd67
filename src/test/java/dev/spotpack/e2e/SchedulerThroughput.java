package dev.spotpack.e2e;

import static org.awaitility.Awaitility.await;

import dev.spotpack.app.ExtenderApp;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * kube-scheduler's throughput with spotpack in the loop against the same scheduler and profile
 * without the extender, in one run on one local control plane: {@code nodes} fake nodes (half
 * spot), then for each scheduler a batch of {@code pods} Spark executors (jobs of 100) created
 * before that scheduler starts, and the time from its readiness until every pod is bound. The plain
 * scheduler runs first and again last, so a drift within the run shows. Each round prints the CPU
 * each process spent per pod and kube-apiserver's requests per pod.
 *
 * <p>Run (docs/benchmarks.md): {@code ./mvnw -q test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/cp.txt && java -cp target/test-classes:target/classes:$(cat
 * target/cp.txt) dev.spotpack.e2e.SchedulerThroughput 500 2000 [qps [bindThreads [spotpackRounds]]]
 * [--prioritize]}
 */
public final class SchedulerThroughput {
  private static final long IDLE_MILLIS = 5_000;

  private SchedulerThroughput() {}

  public static void main(String[] allArgs) throws Exception {
    // --prioritize: spotpack's rounds add prioritizeVerb (weight 1) to the shipped config, which
    // calls filter and bind only (the profile's own NodeResourcesFit MostAllocated packs)
    boolean withPrioritize = Arrays.asList(allArgs).contains("--prioritize");
    String[] args = Arrays.stream(allArgs).filter(a -> !a.startsWith("--")).toArray(String[]::new);
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int pods = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    // optional: raise kube-scheduler's client rate limit (default qps 50, burst 100) in both
    // configs,
    // to separate spotpack's cost from the scheduler's own binding budget
    int qps = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    // optional: spotpack's cluster.bindThreads (default 8)
    int bindThreads = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    // optional: how many spotpack rounds (the JVM warms up in the first; the ratio uses the last)
    int spotpackRounds = args.length > 4 ? Integer.parseInt(args[4]) : 1;
    KubeBinaries.Found bin = KubeBinaries.locate();
    if (bin.dir().isEmpty()) {
      System.err.println("cannot run: " + bin.reason());
      System.exit(2);
    }
    Path dir = Path.of("target/e2e/throughput-" + System.currentTimeMillis()).toAbsolutePath();
    LocalControlPlane.ApiServer api = LocalControlPlane.startApiServer(bin.dir().get(), dir);
    KubernetesClient client = api.client();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    ExtenderApp spotpack = null;
    try {
      for (int i = 0; i < nodes; i++) {
        String name = "node-" + i;
        String capacity = Integer.parseInt(name.substring(5)) % 2 == 0 ? "spot" : "on-demand";
        pool.submit(
            () -> FakeNodes.create(client, name, Map.of("karpenter.sh/capacity-type", capacity)));
      }
      await()
          .atMost(Duration.ofMinutes(5))
          .until(() -> client.nodes().list().getItems().size() == nodes);

      Path plainConfig =
          SchedulerConfigFile.withQps(
              SchedulerConfigFile.writeWithoutExtender(dir, api.kubeconfig(), "plain-scheduler"),
              qps);
      double plain1 =
          round(bin.dir().get(), api, pool, "plain-1", "plain-scheduler", plainConfig, pods);

      Path spotpackYaml = dir.resolve("spotpack.yaml");
      Files.writeString(spotpackYaml, "cluster:\n  bindThreads: " + bindThreads + "\n");
      spotpack =
          ExtenderApp.create(
              new ExtenderApp.Options(
                  spotpackYaml, new ExtenderApp.Source.Live(api.kubeconfig()), "127.0.0.1", 0, 0));
      spotpack.start();
      await().atMost(Duration.ofMinutes(2)).until(spotpack::ready);
      Path spotpackConfig =
          SchedulerConfigFile.withQps(
              SchedulerConfigFile.write(
                  dir, "127.0.0.1:" + spotpack.extenderPort(), api.kubeconfig()),
              qps);
      if (withPrioritize) {
        String text = Files.readString(spotpackConfig);
        if (!text.contains("  filterVerb: filter\n")) {
          throw new IllegalStateException(spotpackConfig + " has no filterVerb line to add to");
        }
        Files.writeString(
            spotpackConfig,
            text.replace(
                "  filterVerb: filter\n",
                "  filterVerb: filter\n  prioritizeVerb: prioritize\n  weight: 1\n"));
      }
      double withSpotpack = 0;
      for (int r = 1; r <= spotpackRounds; r++) {
        withSpotpack =
            round(
                bin.dir().get(),
                api,
                pool,
                "spotpack-" + r,
                "spotpack-scheduler",
                spotpackConfig,
                pods);
      }
      printVerbTimes(spotpack.managementPort());
      spotpack.stop();
      spotpack = null;

      double plain2 =
          round(bin.dir().get(), api, pool, "plain-2", "plain-scheduler", plainConfig, pods);
      double plain = (plain1 + plain2) / 2;
      System.out.printf(
          Locale.ROOT,
          (withPrioritize ? "with prioritize " : "")
              + "bindThreads=%d nodes=%d pods=%d qps=%s  without extender: %.0f and %.0f pods/s "
              + " with spotpack: %.0f pods/s  ratio %.2f (target >= 0.70)%n",
          bindThreads,
          nodes,
          pods,
          qps == 0 ? "default" : Integer.toString(qps),
          plain1,
          plain2,
          withSpotpack,
          withSpotpack / plain);
    } finally {
      if (spotpack != null) {
        spotpack.stop();
      }
      pool.shutdownNow();
      client.close();
      api.processes().close();
    }
  }

  /**
   * Mean server-side time and count per verb, from spotpack's own histograms; for bind also the API
   * server's part (the binding POST) and what is left: spotpack's own.
   */
  private static void printVerbTimes(int managementPort) throws Exception {
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String verb : new String[] {"filter", "prioritize", "bind"}) {
      double[] verbTime =
          meanAndCount(metrics, "spotpack_verb_duration_seconds", "{verb=\"" + verb + "\"}");
      System.err.printf(
          Locale.ROOT,
          "spotpack %s: %.0f calls, mean %.2f ms server-side%n",
          verb,
          verbTime[1],
          verbTime[0]);
      if (verb.equals("bind")) {
        double[] api = meanAndCount(metrics, "spotpack_bind_api_duration_seconds", "");
        System.err.printf(
            Locale.ROOT,
            "spotpack bind: API call mean %.2f ms over %.0f calls; spotpack's own %.2f ms%n",
            api[0],
            api[1],
            verbTime[0] - api[0]);
      }
    }
  }

  /** {mean in ms, count} of a Prometheus summary or histogram with these labels. */
  private static double[] meanAndCount(String metrics, String name, String labels) {
    double sum = 0;
    double count = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + "_sum" + labels + " ")) {
        sum = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      } else if (line.startsWith(name + "_count" + labels + " ")) {
        count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return new double[] {count == 0 ? 0 : 1000 * sum / count, count};
  }

  /** kube-apiserver's request counters, summed by verb, resource and subresource. */
  private static Map<String, Double> apiRequests(LocalControlPlane.ApiServer api) throws Exception {
    String text =
        api.insecure()
            .send(
                HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + api.apiPort() + "/metrics"))
                    .header("Authorization", "Bearer " + api.token())
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Map<String, Double> out = new TreeMap<>();
    Pattern label = Pattern.compile("(verb|resource|subresource)=\"([^\"]*)\"");
    for (String line : text.split("\n")) {
      if (!line.startsWith("apiserver_request_total{")) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      var m = label.matcher(line.substring(0, line.lastIndexOf('}')));
      while (m.find()) {
        labels.put(m.group(1), m.group(2));
      }
      String key =
          labels.getOrDefault("verb", "")
              + " "
              + labels.getOrDefault("resource", "")
              + (labels.getOrDefault("subresource", "").isEmpty()
                  ? ""
                  : "/" + labels.get("subresource"));
      out.merge(key, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
    }
    return out;
  }

  /** CPU used so far by each child process and by this JVM (spotpack and the driver). */
  private static Map<String, Duration> cpu(LocalControlPlane.ApiServer api) {
    Map<String, Duration> cpu = new TreeMap<>(api.processes().cpu());
    ProcessHandle.current().info().totalCpuDuration().ifPresent(d -> cpu.put("this-jvm", d));
    return cpu;
  }

  /**
   * CPU time of this JVM's live threads (JIT and GC threads included), summed by name with digits
   * removed, from /proc/self/task (names cut to 15 characters by Linux). Empty where there is no
   * /proc. Threads that ended during the round are missing: the process total above includes them.
   */
  private static Map<String, Long> threadCpuByGroup() {
    Map<String, Long> out = new TreeMap<>();
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return out;
    }
    try (var stream = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) stream::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "N");
          String stat = Files.readString(task.resolve("stat"));
          // fields after the parenthesised name: utime and stime are the 12th and 13th
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          out.merge(name, ticks * 10_000_000L, Long::sum); // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
          // the thread ended while we read it
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return out;
  }

  /** Creates the batch, starts the scheduler, times it until every pod is bound; cleans up. */
  private static double round(
      Path bin,
      LocalControlPlane.ApiServer api,
      ExecutorService pool,
      String round,
      String schedulerName,
      Path config,
      int pods)
      throws Exception {
    KubernetesClient client = api.client();
    String ns = "tp-" + round;
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    for (int i = 0; i < pods; i++) {
      int n = i;
      pool.submit(
          () ->
              client
                  .pods()
                  .inNamespace(ns)
                  .resource(
                      new PodBuilder()
                          .withNewMetadata()
                          .withName("exec-" + n)
                          .withLabels(
                              Map.of(
                                  "spark-app-selector",
                                  ns + "-job-" + (n / 100),
                                  "spark-role",
                                  "executor"))
                          .endMetadata()
                          .withNewSpec()
                          .withSchedulerName(schedulerName)
                          .withTerminationGracePeriodSeconds(0L)
                          .addNewContainer()
                          .withName("e")
                          .withImage("example/executor:1")
                          .withNewResources()
                          .withRequests(
                              Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")))
                          .endResources()
                          .endContainer()
                          .endSpec()
                          .build())
                  .create());
    }
    await()
        .atMost(Duration.ofMinutes(5))
        .until(() -> client.pods().inNamespace(ns).list().getItems().size() == pods);
    // a watch, not polling: the API server pushes each binding once from its watch cache, while a
    // poll would read from etcd every time and load the control plane more the longer a round lasts
    Set<String> boundPods = ConcurrentHashMap.newKeySet();
    CountDownLatch allBound = new CountDownLatch(1);
    Watch watch =
        client
            .pods()
            .inNamespace(ns)
            .watch(
                new Watcher<Pod>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    if (pod.getSpec().getNodeName() != null
                        && boundPods.add(pod.getMetadata().getName())
                        && boundPods.size() == pods) {
                      allBound.countDown();
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    Process scheduler =
        SpotpackAndScheduler.startScheduler(
            bin, config, "kube-scheduler-" + round, api.processes(), api.insecure());
    Map<String, Double> requests0 = apiRequests(api);
    Map<String, Duration> cpu0 = cpu(api);
    Map<String, Long> threads0 = threadCpuByGroup();
    long t0 = System.nanoTime();
    if (!allBound.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException(
          round + ": only " + boundPods.size() + " of " + pods + " pods bound in 10 minutes");
    }
    watch.close();
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Duration> cpu1 = cpu(api);
    Map<String, Long> threads1 = threadCpuByGroup();
    Map<String, Double> requests1 = apiRequests(api);
    StringBuilder calls = new StringBuilder();
    requests1.forEach(
        (k, v) -> {
          double d = v - requests0.getOrDefault(k, 0.0);
          if (d >= pods / 10.0) {
            calls.append(String.format(Locale.ROOT, "  %s %.2f", k, d / pods));
          }
        });
    System.err.printf(Locale.ROOT, "%s: API requests per pod:%s%n", round, calls);
    StringBuilder line = new StringBuilder();
    cpu1.forEach(
        (name, d) -> {
          Duration before = cpu0.getOrDefault(name, Duration.ZERO);
          line.append(
              String.format(
                  Locale.ROOT,
                  "  %s %.2f ms",
                  name,
                  (d.toNanos() - before.toNanos()) / 1e6 / pods));
        });
    System.err.printf(
        Locale.ROOT,
        "%s: CPU per pod:%s (of %.2f ms wall per pod x 2 cores)%n",
        round,
        line,
        seconds * 1000 / pods);
    StringBuilder byThread = new StringBuilder();
    threads1.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - threads0.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() >= pods * 10_000L) // at least 0.01 ms per pod
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                byThread.append(
                    String.format(
                        Locale.ROOT, "  %s %.2f ms", e.getKey(), e.getValue() / 1e6 / pods)));
    long javaThreads =
        threads1.entrySet().stream()
            .mapToLong(e -> e.getValue() - threads0.getOrDefault(e.getKey(), 0L))
            .sum();
    long jvm = cpu1.get("this-jvm").toNanos() - cpu0.get("this-jvm").toNanos();
    System.err.printf(
        Locale.ROOT,
        "%s: this JVM's CPU per pod by thread group:%s  (threads ended during the round %.2f ms)%n",
        round,
        byThread,
        (jvm - javaThreads) / 1e6 / pods);
    // the same processes with nothing to schedule: what each burns per second regardless of pods,
    // which a longer round spreads over its pods (a benchmark driver may sleep)
    Thread.sleep(2_000);
    Map<String, Duration> idle0 = cpu(api);
    Thread.sleep(IDLE_MILLIS);
    Map<String, Duration> idle1 = cpu(api);
    StringBuilder idle = new StringBuilder();
    idle1.forEach(
        (name, d) ->
            idle.append(
                String.format(
                    Locale.ROOT,
                    "  %s %.1f%%",
                    name,
                    100.0
                        * (d.toNanos() - idle0.getOrDefault(name, Duration.ZERO).toNanos())
                        / (IDLE_MILLIS * 1e6))));
    System.err.printf(Locale.ROOT, "%s: idle afterwards, share of one core:%s%n", round, idle);
    scheduler.destroy();
    scheduler.waitFor(10, TimeUnit.SECONDS);
    client.pods().inNamespace(ns).withGracePeriod(0).delete();
    await()
        .atMost(Duration.ofMinutes(5))
        .until(() -> client.pods().inNamespace(ns).list().getItems().isEmpty());
    System.err.printf(Locale.ROOT, "%s: %d pods bound in %.2f s%n", round, pods, seconds);
    Files.writeString(api.dir().resolve(round + ".seconds"), Double.toString(seconds));
    return pods / seconds;
  }
}
