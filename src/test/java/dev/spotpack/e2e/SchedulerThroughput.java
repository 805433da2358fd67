package dev.spotpack.e2e;

import static org.awaitility.Awaitility.await;

import dev.spotpack.testing.TestCertificates;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * kube-scheduler's throughput with spotpack in the loop against the same scheduler and profile
 * without the extender, in one run on one local control plane: {@code nodes} fake nodes (half
 * spot), then for each scheduler a batch of {@code pods} Spark executors (jobs of 100, or of {@code
 * --job-size=N}) created before that scheduler starts, and the time from its readiness until every
 * pod is bound. The plain scheduler runs first and again last, so a drift within the run shows.
 * spotpack is the shipped jar in a process of its own, started before the first round: in the plain
 * rounds it only follows the pods. Each round prints the CPU each process spent per pod, spotpack's
 * by thread, what following the pods' creation and deletion cost spotpack, and kube-apiserver's
 * requests per pod.
 *
 * <p>Run (docs/benchmarks.md): {@code ./mvnw -q package test-compile dependency:build-classpath
 * -DskipTests -Dmdep.outputFile=target/cp.txt && java -cp target/test-classes:target/classes:$(cat
 * target/cp.txt) dev.spotpack.e2e.SchedulerThroughput 500 2000 [qps [bindThreads [spotpackRounds]]]
 * [--prioritize] [--no-bind] [--pool-labels] [--tls] [--warm-up=N] [--event-loops=N] [--job-size=N]
 * [--jfr] [--async-profiler=LIB] [--go-profiles] [--jvm=OPTION ...]}
 */
public final class SchedulerThroughput {
  private static final long IDLE_MILLIS = 5_000;

  /**
   * HotSpot's C1 and C2 compiler threads ("C1 CompilerThre", "C2 CompilerThre" as Linux cuts their
   * names) as {@link SpotpackProcess#threadUseByGroup} groups them.
   */
  private static final String COMPILER_THREADS = "CN CompilerThre";

  private SchedulerThroughput() {}

  /** Adds {@code lines} to the extender in a scheduler config, after its filterVerb line. */
  private static void afterFilterVerb(Path config, String lines) throws IOException {
    String filterVerb = "  filterVerb: filter\n";
    SchedulerConfigFile.edited(config, filterVerb, filterVerb + lines, "filterVerb line to add to");
  }

  public static void main(String[] allArgs) throws Exception {
    // --prioritize: spotpack's rounds add prioritizeVerb (weight 1) to the shipped config, which
    // calls filter and bind only (the profile's own NodeResourcesFit MostAllocated packs)
    boolean withPrioritize = Arrays.asList(allArgs).contains("--prioritize");
    // --no-bind: spotpack's rounds drop bindVerb from the shipped config, so kube-scheduler binds
    // each pod itself and spotpack learns the placement from its watch only. Not a supported
    // setting (a pod filtered onto spot nodes then counts on all of them until the watch reports
    // it, docs/operations.md); it measures what the bind call and the binding POST cost
    boolean withoutBind = Arrays.asList(allArgs).contains("--no-bind");
    // --pool-labels: the fake nodes carry an instance type (4) and a zone (3): 12 capacity pools,
    // as on a real cluster, the spot nodes (the even ones, two of the types) in 6 of them; without
    // it every spot node lacks them and is a pool of its own
    boolean poolLabels = Arrays.asList(allArgs).contains("--pool-labels");
    // --tls: the extender port over HTTPS (server.tls, certificates made with openssl), and
    // kube-scheduler calling it with enableHTTPS and the CA, as a deployment behind a Service may
    boolean tls = Arrays.asList(allArgs).contains("--tls");
    // --jfr: a JFR profile (settings=profile) of spotpack's process over its last round
    // (--jfr=FILE.jfc: with those JFR settings instead; docs/benchmarks-log.md measured the loop's
    // steady state with a .jfc that enables only jdk.ExecutionSample and jdk.NativeMethodSample)
    String jfrSettings =
        Arrays.stream(allArgs)
            .filter(a -> a.equals("--jfr") || a.startsWith("--jfr="))
            .map(a -> a.equals("--jfr") ? "profile" : a.substring("--jfr=".length()))
            .findFirst()
            .orElse(null);
    // --async-profiler=LIB: a CPU profile of spotpack's process over its last round by
    // async-profiler (LIB: its libasyncProfiler.so, e.g. from the tools.profiler:async-profiler jar
    // on Maven Central), loaded into the running JVM: it does not send compiled code back to the
    // JIT as JFR does, and it sees native and kernel frames. Collapsed stacks with thread names.
    Path asyncProfiler =
        Arrays.stream(allArgs)
            .filter(a -> a.startsWith("--async-profiler="))
            .map(a -> Path.of(a.substring("--async-profiler=".length())).toAbsolutePath())
            .findFirst()
            .orElse(null);
    // --go-profiles: CPU profiles of kube-scheduler and kube-apiserver (Go's pprof) over 3 s of the
    // first plain round's binding and of the last spotpack round's (GoProfiles)
    boolean goProfiles = Arrays.asList(allArgs).contains("--go-profiles");
    // --jvm=OPTION (repeatable): a JVM option for spotpack's process, after the shipped ones
    // (SpotpackProcess; the last of a flag wins), e.g. --jvm=-XX:MaxInlineLevel=15
    List<String> jvmOptions =
        new ArrayList<>(
            Arrays.stream(allArgs)
                .filter(a -> a.startsWith("--jvm="))
                .map(a -> a.substring("--jvm=".length()))
                .toList());
    // --warm-up=N, --event-loops=N: spotpack's server.warmUpPods and server.eventLoops (default:
    // the shipped defaults)
    String serverKeys =
        Arrays.stream(allArgs)
            .filter(a -> a.startsWith("--warm-up=") || a.startsWith("--event-loops="))
            .map(
                a ->
                    (a.startsWith("--warm-up=") ? "  warmUpPods: " : "  eventLoops: ")
                        + a.substring(a.indexOf('=') + 1)
                        + "\n")
            .collect(Collectors.joining());
    // --job-size=N: executors per job (default 100)
    int jobSize =
        Arrays.stream(allArgs)
            .filter(a -> a.startsWith("--job-size="))
            .map(a -> Integer.parseInt(a.substring("--job-size=".length())))
            .findFirst()
            .orElse(FakeNodes.BATCH_JOB_SIZE);
    String[] args = Arrays.stream(allArgs).filter(a -> !a.startsWith("--")).toArray(String[]::new);
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int pods = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    // optional: raise kube-scheduler's client rate limit (default qps 50, burst 100) in both
    // configs, to separate spotpack's cost from the scheduler's own binding budget
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
    Path certificates = dir.resolve("certificates");
    if (tls) {
      Files.createDirectories(certificates);
      TestCertificates.make(certificates);
      serverKeys +=
          "  tls:\n    certFile: "
              + certificates.resolve("server.crt")
              + "\n    keyFile: "
              + certificates.resolve("server.key")
              + "\n";
    }
    String serverConfig = serverKeys.isEmpty() ? "" : "server:\n" + serverKeys;
    if (jfrSettings != null) {
      // JFR started for the first time in a running JVM (JDK 17) sent its compiled code back to the
      // compiler: the profiled round measured the JIT at work again (compiler threads 3.2-4.1 ms
      // per pod against 0.2-0.7 in the rounds before), even with method sampling alone. An empty
      // recording from launch puts JFR in place beforehand (then 0.17 in a sixth round).
      Files.createDirectories(dir);
      Path empty = dir.resolve("empty.jfc");
      Files.writeString(
          empty,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              + "<configuration version=\"2.0\" label=\"empty\"></configuration>\n");
      jvmOptions.add("-XX:StartFlightRecording=settings=" + empty + ",name=launch");
    }
    LocalControlPlane.ApiServer api = LocalControlPlane.startApiServer(bin.dir().get(), dir);
    KubernetesClient client = api.client();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int i = 0; i < nodes; i++) {
        String name = "node-" + i;
        Map<String, String> labels =
            poolLabels
                ? Map.of(
                    "karpenter.sh/capacity-type",
                    i % 2 == 0 ? "spot" : "on-demand",
                    "node.kubernetes.io/instance-type",
                    FakeNodes.INSTANCE_TYPES.get(i % FakeNodes.INSTANCE_TYPES.size()),
                    "topology.kubernetes.io/zone",
                    FakeNodes.ZONES.get(
                        (i / FakeNodes.INSTANCE_TYPES.size()) % FakeNodes.ZONES.size()))
                : Map.of("karpenter.sh/capacity-type", i % 2 == 0 ? "spot" : "on-demand");
        pool.submit(() -> FakeNodes.create(client, name, labels));
      }
      await()
          .atMost(Duration.ofMinutes(5))
          .until(() -> client.nodes().list().getItems().size() == nodes);

      // spotpack runs from here to the end: in the plain rounds it only follows the pods
      SpotpackProcess spotpack =
          SpotpackProcess.start(
              Path.of(System.getProperty("java.home"), "bin", "java"),
              Path.of("target/spotpack.jar"),
              dir,
              api.kubeconfig(),
              "cluster:\n  bindThreads: " + bindThreads + "\n" + serverConfig,
              jvmOptions,
              api.processes());
      // its start-up rehearsal (server.warmUpPods) runs after readiness: let it end, so that the
      // first plain round measures following pods, not the rehearsal
      long warmUpMillis = spotpack.awaitWarmUp(Duration.ofMinutes(2));
      System.out.printf(
          Locale.ROOT, "spotpack's warm-up ended %d ms after readiness%n", warmUpMillis);
      Path plainConfig =
          SchedulerConfigFile.withQps(
              SchedulerConfigFile.writeWithoutExtender(dir, api.kubeconfig(), "plain-scheduler"),
              qps);
      Round rounds =
          new Round(
              bin.dir().get(),
              api,
              pool,
              spotpack,
              pods,
              jobSize,
              dir,
              jfrSettings,
              asyncProfiler,
              goProfiles);
      LoopFigures.Round plain1 = rounds.run("plain-1", "plain-scheduler", plainConfig, false);

      Path spotpackConfig =
          SchedulerConfigFile.withQps(
              SchedulerConfigFile.write(
                  dir, "127.0.0.1:" + spotpack.extenderPort(), api.kubeconfig()),
              qps);
      if (tls) {
        SchedulerConfigFile.edited(
            spotpackConfig,
            "urlPrefix: http://",
            "urlPrefix: https://",
            "http:// urlPrefix to edit");
        afterFilterVerb(
            spotpackConfig,
            "  enableHTTPS: true\n  tlsConfig:\n    caFile: "
                + certificates.resolve("ca.crt")
                + "\n");
      }
      if (withPrioritize) {
        afterFilterVerb(spotpackConfig, "  prioritizeVerb: prioritize\n  weight: 1\n");
      }
      if (withoutBind) {
        SchedulerConfigFile.withoutBindVerb(spotpackConfig);
      }
      List<LoopFigures.Round> withSpotpack = new ArrayList<>();
      for (int r = 1; r <= spotpackRounds; r++) {
        withSpotpack.add(
            rounds.run("spotpack-" + r, "spotpack-scheduler", spotpackConfig, r == spotpackRounds));
      }
      printVerbTimes(spotpack.metrics());

      LoopFigures.Round plain2 = rounds.run("plain-2", "plain-scheduler", plainConfig, false);
      String plainRounds =
          String.format(
              Locale.ROOT,
              "nodes=%d pods=%d qps=%s  without extender: %.0f and %.0f pods/s (mean %.0f)",
              nodes,
              pods,
              qps == 0 ? "default" : qps,
              plain1.podsPerSecond(),
              plain2.podsPerSecond(),
              (plain1.podsPerSecond() + plain2.podsPerSecond()) / 2);
      if (withSpotpack.isEmpty()) {
        // 0 spotpack rounds: spotpack only followed the pods (a live training run, say)
        System.out.println(plainRounds);
        return;
      }
      LoopFigures figures = LoopFigures.of(plain1, withSpotpack, plain2);
      System.out.printf(
          Locale.ROOT,
          "bindThreads=%d %s  with spotpack (round %d): %.0f pods/s  ratio %.2f%n",
          bindThreads,
          plainRounds,
          spotpackRounds,
          withSpotpack.get(withSpotpack.size() - 1).podsPerSecond(),
          figures.ratio());
      System.out.println(figures.line());
    } finally {
      pool.shutdownNow();
      client.close();
      api.processes().close();
    }
  }

  /**
   * Mean server-side time and count per verb, from spotpack's own histograms; for bind also the API
   * server's part (the binding POST) and what is left: spotpack's own.
   */
  private static void printVerbTimes(String metrics) {
    System.err.printf(
        Locale.ROOT,
        "spotpack's pods of filter and prioritize calls: %.0f found as its informer read them,"
            + " %.0f read from the request%n",
        MetricsText.value(metrics, "spotpack_verb_pods_total{read=\"informer\"}"),
        MetricsText.value(metrics, "spotpack_verb_pods_total{read=\"request\"}"));
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
    double sum = MetricsText.value(metrics, name + "_sum" + labels);
    double count = MetricsText.value(metrics, name + "_count" + labels);
    return new double[] {count == 0 ? 0 : 1000 * sum / count, count};
  }

  /** kube-apiserver's request counters, summed by verb, resource and subresource. */
  private static Map<String, Double> apiRequests(LocalControlPlane.ApiServer api) throws Exception {
    String text = api.metrics();
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
      out.merge(key, MetricsText.sample(line), Double::sum);
    }
    return out;
  }

  /** One batch of pods scheduled by one scheduler, measured; the parts every round shares. */
  private record Round(
      Path bin,
      LocalControlPlane.ApiServer api,
      ExecutorService pool,
      SpotpackProcess spotpack,
      int pods,
      int jobSize,
      Path dir,
      @Nullable String jfrSettings,
      @Nullable Path asyncProfiler,
      boolean goProfiles) {

    /**
     * Creates the batch, starts the scheduler, times it until every pod is bound, deletes the
     * batch; prints what each process spent per pod. If {@code profiled}, spotpack's process is
     * profiled over the timed part as asked (spotpack.jfr, spotpack.collapsed in the run's
     * directory); with {@code --go-profiles}, kube-scheduler and kube-apiserver too, and in the
     * first plain round as well.
     */
    LoopFigures.Round run(String round, String schedulerName, Path config, boolean profiled)
        throws Exception {
      boolean goProfiled = goProfiles && (profiled || round.equals("plain-1"));
      Path jfr = profiled && jfrSettings != null ? dir.resolve("spotpack.jfr") : null;
      Path collapsed = profiled && asyncProfiler != null ? dir.resolve("spotpack.collapsed") : null;
      KubernetesClient client = api.client();
      String ns = "tp-" + round;
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
      Following created0 = following();
      createExecutors(client, ns, schedulerName);
      await()
          .atMost(Duration.ofMinutes(5))
          .until(() -> client.pods().inNamespace(ns).list().getItems().size() == pods);
      awaitSpotpackSettled();
      Following created1 = following();
      // a watch, not polling: the API server pushes each binding once from its watch cache, while
      // a poll would read from etcd every time and load the control plane more the longer a round
      // lasts
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
      int schedulerPort = Processes.freePort();
      Process scheduler =
          SpotpackAndScheduler.startScheduler(
              bin,
              config,
              "kube-scheduler-" + round,
              api.processes(),
              api.insecure(),
              schedulerPort);
      CompletableFuture<String> goProfile =
          goProfiled
              ? GoProfiles.capture(
                  api, schedulerPort, dir, round, boundPods::size, pods, Duration.ofSeconds(3))
              : CompletableFuture.completedFuture(null);
      if (jfr != null) {
        System.err.println(spotpack.jcmd("JFR.start", "name=loop", "settings=" + jfrSettings));
      }
      if (collapsed != null) {
        // quoted: jcmd would read the options' '=' as its own key=value arguments
        System.err.println(
            spotpack.jcmd(
                "JVMTI.agent_load",
                asyncProfiler.toString(),
                "\"start,event=cpu,interval=1ms,threads\""));
      }
      Map<String, Double> requests0 = apiRequests(api);
      Map<String, Duration> cpu0 = cpu();
      Map<String, Long> runs0 = api.processes().runs();
      Map<String, SpotpackProcess.ThreadUse> threads0 =
          SpotpackProcess.threadUseByGroup(spotpack.pid());
      double connections0 = extenderConnections();
      long t0 = System.nanoTime();
      if (!allBound.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException(
            round + ": only " + boundPods.size() + " of " + pods + " pods bound in 10 minutes");
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      Map<String, Duration> cpu1 = cpu();
      Map<String, Long> runs1 = api.processes().runs();
      Map<String, SpotpackProcess.ThreadUse> threads1 =
          SpotpackProcess.threadUseByGroup(spotpack.pid());
      double connections1 = extenderConnections();
      Map<String, Double> requests1 = apiRequests(api);
      watch.close();
      if (jfr != null) {
        System.err.println(spotpack.jcmd("JFR.dump", "name=loop", "filename=" + jfr));
        System.err.println(spotpack.jcmd("JFR.stop", "name=loop"));
      }
      if (collapsed != null) {
        System.err.println(
            spotpack.jcmd(
                "JVMTI.agent_load",
                asyncProfiler.toString(),
                "\"stop,file=" + collapsed + ",collapsed,threads\""));
      }
      String goProfileLine = goProfile.get(1, TimeUnit.MINUTES);
      if (goProfileLine != null) {
        System.err.println(goProfileLine);
      }
      StringBuilder calls = new StringBuilder();
      requests1.forEach(
          (k, v) -> {
            double d = v - requests0.getOrDefault(k, 0.0);
            if (d >= pods / 10.0) {
              calls.append(String.format(Locale.ROOT, "  %s %.2f", k, d / pods));
            }
          });
      System.err.printf(Locale.ROOT, "%s: API requests per pod:%s%n", round, calls);
      System.err.printf(
          Locale.ROOT,
          "%s: CPU per pod while binding:%s (of %.2f ms wall per pod x 2 cores)%n",
          round,
          perPod(cpu0, cpu1),
          seconds * 1000 / pods);
      System.err.printf(
          Locale.ROOT,
          "%s: runs (wake-ups) per pod while binding, by process:%s%n",
          round,
          increasePerPod(runs0, runs1, "  %s %.1f"));
      System.err.printf(
          Locale.ROOT,
          "%s: spotpack's CPU per pod by thread group:%s%n",
          round,
          byThread(threads0, threads1));
      System.err.printf(
          Locale.ROOT,
          "%s: spotpack's runs (wake-ups) per pod by thread group:%s%n",
          round,
          runsByThread(threads0, threads1));
      System.err.printf(
          Locale.ROOT,
          "%s: extender connections opened per pod: %.3f%n",
          round,
          (connections1 - connections0) / pods);
      // the same processes with nothing to schedule: what each burns per second regardless of
      // pods, which a longer round spreads over its pods
      Thread.sleep(2_000);
      Map<String, Duration> idle0 = cpu();
      Thread.sleep(IDLE_MILLIS);
      Map<String, Duration> idle1 = cpu();
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
      Following deleted0 = following();
      // one collection delete; on a loaded machine it can outlast the client's 10 s request
      // timeout while the API server goes on deleting, so a timed-out call is sent again until
      // every pod is gone
      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                if (client.pods().inNamespace(ns).list().getItems().isEmpty()) {
                  return true;
                }
                try {
                  client.pods().inNamespace(ns).withGracePeriod(0).delete();
                } catch (KubernetesClientException e) {
                  System.err.println(round + ": deleting the pods: " + e.getMessage());
                }
                return false;
              });
      awaitSpotpackSettled();
      Following deleted1 = following();
      double creation = spotpackPerPod(created0.cpu(), created1.cpu());
      double deletion = spotpackPerPod(deleted0.cpu(), deleted1.cpu());
      System.err.printf(
          Locale.ROOT,
          "%s: spotpack following the pods, CPU per pod: creation %.3f ms, deletion %.3f ms"
              + " (idle included)%n",
          round,
          creation,
          deletion);
      // which of spotpack's threads following takes: the event loop that reads the watch, or the
      // JIT still compiling what an earlier round ran
      System.err.printf(
          Locale.ROOT,
          "%s: spotpack following the pods, CPU per pod by thread group: creation%s; deletion%s%n",
          round,
          byThread(created0.threads(), created1.threads()),
          byThread(deleted0.threads(), deleted1.threads()));
      System.err.printf(
          Locale.ROOT,
          "%s: spotpack's pod events per pod: creation%s, deletion%s%n",
          round,
          increasePerPod(created0.podEvents(), created1.podEvents(), " %s %.2f"),
          increasePerPod(deleted0.podEvents(), deleted1.podEvents(), " %s %.2f"));
      System.err.printf(Locale.ROOT, "%s: %d pods bound in %.2f s%n", round, pods, seconds);
      Files.writeString(api.dir().resolve(round + ".seconds"), Double.toString(seconds));
      return new LoopFigures.Round(
          round,
          pods / seconds,
          perPod(cpu0, cpu1, SpotpackProcess.NAME),
          perPod(cpu0, cpu1, "kube-scheduler-" + round),
          perPod(cpu0, cpu1, "kube-apiserver"),
          creation,
          deletion,
          compilerPerPod(threads0, threads1));
    }

    /**
     * The JIT compiler threads' (C1's and C2's) CPU from {@code before} to {@code after}, ms per
     * pod.
     */
    private double compilerPerPod(
        Map<String, SpotpackProcess.ThreadUse> before,
        Map<String, SpotpackProcess.ThreadUse> after) {
      return used(before, after)
              .filter(e -> e.getKey().equals(COMPILER_THREADS))
              .mapToLong(e -> e.getValue().cpuNanos())
              .sum()
          / 1e6
          / pods;
    }

    private void createExecutors(KubernetesClient client, String ns, String schedulerName) {
      for (int i = 0; i < pods; i++) {
        int n = i;
        pool.submit(
            () ->
                client
                    .pods()
                    .inNamespace(ns)
                    .resource(FakeNodes.batchExecutor(ns, n, jobSize, schedulerName))
                    .create());
      }
    }

    /**
     * What spotpack has used so far, read at both ends of a window in which it only follows pods (a
     * batch created or deleted while no scheduler runs).
     */
    private record Following(
        Map<String, Duration> cpu,
        Map<String, SpotpackProcess.ThreadUse> threads,
        Map<String, Double> podEvents) {}

    private Following following() throws Exception {
      return new Following(cpu(), SpotpackProcess.threadUseByGroup(spotpack.pid()), podEvents());
    }

    /** spotpack's pod events so far by informer event type (add, update, delete). */
    private Map<String, Double> podEvents() throws Exception {
      String metrics = spotpack.metrics();
      Map<String, Double> out = new TreeMap<>();
      for (String type : List.of("add", "update", "delete")) {
        out.put(
            type,
            MetricsText.sum(
                metrics,
                "spotpack_informer_events_total",
                "resource=\"pods\"",
                "type=\"" + type + "\""));
      }
      return out;
    }

    /** Until spotpack's count of pod events stops moving for half a second. */
    private void awaitSpotpackSettled() throws Exception {
      double last = -1;
      while (true) {
        double events =
            MetricsText.sum(
                spotpack.metrics(), "spotpack_informer_events_total", "resource=\"pods\"");
        if (events == last) {
          return;
        }
        last = events;
        Thread.sleep(500);
      }
    }

    private double spotpackPerPod(Map<String, Duration> before, Map<String, Duration> after) {
      return perPod(before, after, SpotpackProcess.NAME);
    }

    /** One process's CPU from {@code before} to {@code after}, in ms per pod. */
    private double perPod(
        Map<String, Duration> before, Map<String, Duration> after, String process) {
      Duration was = before.get(process);
      Duration is = after.get(process);
      if (was == null || is == null) {
        throw new IllegalStateException("no CPU reading of " + process + ": " + after.keySet());
      }
      return (is.toNanos() - was.toNanos()) / 1e6 / pods;
    }

    private String perPod(Map<String, Duration> before, Map<String, Duration> after) {
      return increasePerPod(millis(before), millis(after), "  %s %.2f ms");
    }

    private static Map<String, Double> millis(Map<String, Duration> durations) {
      Map<String, Double> out = new TreeMap<>();
      durations.forEach((name, d) -> out.put(name, d.toNanos() / 1e6));
      return out;
    }

    /** Each name's increase from {@code before} to {@code after} per pod, in name order. */
    private String increasePerPod(
        Map<String, ? extends Number> before, Map<String, ? extends Number> after, String format) {
      StringBuilder out = new StringBuilder();
      after.forEach(
          (name, n) -> {
            Number was = before.get(name);
            double increase = n.doubleValue() - (was == null ? 0 : was.doubleValue());
            out.append(String.format(Locale.ROOT, format, name, increase / pods));
          });
      return out.toString();
    }

    private String byThread(
        Map<String, SpotpackProcess.ThreadUse> before,
        Map<String, SpotpackProcess.ThreadUse> after) {
      return perPod(
          before, after, SpotpackProcess.ThreadUse::cpuNanos, 1e6, " ms", new StringBuilder());
    }

    private String runsByThread(
        Map<String, SpotpackProcess.ThreadUse> before,
        Map<String, SpotpackProcess.ThreadUse> after) {
      long total = used(before, after).mapToLong(e -> e.getValue().runs()).sum();
      StringBuilder out =
          new StringBuilder(String.format(Locale.ROOT, "  all %.2f", (double) total / pods));
      return perPod(before, after, SpotpackProcess.ThreadUse::runs, 1, "", out);
    }

    /**
     * Appends each thread group's {@code amount} per pod in {@code unit}s, largest first, leaving
     * out groups under 0.01 of a unit per pod.
     */
    private String perPod(
        Map<String, SpotpackProcess.ThreadUse> before,
        Map<String, SpotpackProcess.ThreadUse> after,
        ToLongFunction<SpotpackProcess.ThreadUse> amount,
        double unit,
        String suffix,
        StringBuilder out) {
      used(before, after)
          .filter(e -> amount.applyAsLong(e.getValue()) >= unit * pods / 100)
          .sorted(Comparator.comparingLong(e -> -amount.applyAsLong(e.getValue())))
          .forEach(
              e ->
                  out.append(
                      String.format(
                          Locale.ROOT,
                          "  %s %.2f%s",
                          e.getKey(),
                          amount.applyAsLong(e.getValue()) / unit / pods,
                          suffix)));
      return out.toString();
    }

    private static Stream<Map.Entry<String, SpotpackProcess.ThreadUse>> used(
        Map<String, SpotpackProcess.ThreadUse> before,
        Map<String, SpotpackProcess.ThreadUse> after) {
      SpotpackProcess.ThreadUse none = new SpotpackProcess.ThreadUse(0, 0);
      return after.entrySet().stream()
          .map(
              e ->
                  Map.entry(e.getKey(), e.getValue().minus(before.getOrDefault(e.getKey(), none))));
    }

    /** Connections spotpack's extender port has accepted so far. */
    private double extenderConnections() throws Exception {
      return MetricsText.sum(
          spotpack.metrics(), "spotpack_http_connections_opened_total", "port=\"extender\"");
    }

    /** CPU used so far by each child process (spotpack's included) and by this JVM (the driver). */
    private Map<String, Duration> cpu() {
      Map<String, Duration> cpu = new TreeMap<>(api.processes().cpu());
      ProcessHandle.current().info().totalCpuDuration().ifPresent(d -> cpu.put("driver", d));
      return cpu;
    }
  }
}
