package dev.spotpack.app;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.spotpack.bind.Binder;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.cluster.SnapshotBinder;
import dev.spotpack.config.ClusterConfig;
import dev.spotpack.config.ServerConfig;
import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.extender.ClusterSource;
import dev.spotpack.extender.LiveClusterSource;
import dev.spotpack.extender.SnapshotClusterSource;
import dev.spotpack.kube.AssumptionMetrics;
import dev.spotpack.kube.ClusterFeed;
import dev.spotpack.kube.FeedMetrics;
import dev.spotpack.kube.GateController;
import dev.spotpack.kube.KubeBinder;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.kube.SnapshotFile;
import dev.spotpack.policy.spot.PlacementGate;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster side of the object graph, for each source: informers, binds through the API server
 * and the placement gate's controller for a live cluster; an in-memory state for a snapshot.
 */
final class ClusterWiring {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWiring.class);

  private ClusterWiring() {}

  /**
   * The cluster side of the graph: where the verbs read the cluster and how they bind.
   *
   * @param heldAtGate the executors the placement gate's controller holds now, and why (none for a
   *     snapshot)
   */
  record Cluster(
      ClusterSource source,
      Binder binder,
      @Nullable ClusterFeed feed,
      @Nullable PlacementGate webhookGate,
      Supplier<List<PlacementGate.Held>> heldAtGate,
      List<AutoCloseable> closeLast) {}

  /** Informers, binds through the API server, and the placement gate's controller. */
  static Cluster live(
      ExtenderApp.Source.Live live,
      SpotpackConfig config,
      KubernetesSerialization serialization,
      KubeModel model,
      PrometheusMeterRegistry registry,
      Vertx vertx)
      throws IOException {
    ClusterConfig cc = config.cluster();
    AssumptionMetrics assumptionMetrics = new AssumptionMetrics(registry);
    ClusterState state =
        new ClusterState(
            config.policy().roles(),
            Ticker.systemTicker(),
            cc.assumedPlacementTtl(),
            assumptionMetrics);
    assumptionMetrics.gaugeAssumed(state);
    List<AutoCloseable> closeLast = new ArrayList<>();
    KubernetesClient client = client(live.kubeconfig(), serialization, vertx);
    closeLast.add(client);
    ClusterFeed feed =
        new ClusterFeed(
            client, model, state, new FeedMetrics(registry), cc.listPageSize(), System::nanoTime);
    Binder binder =
        new KubeBinder(
            client, state, cc.bindThreads(), cc.bindTimeout(), onEventLoop(vertx), registry);
    // the controller runs in every live deployment, so that executors gated before the webhook's
    // gate was turned off are still released; the webhook gates only when configured to
    PlacementGate gate =
        new PlacementGate(
            config.policy().roles(), config.policy().spotNodes(), config.policy().profiles());
    ScheduledExecutorService gateThread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "spotpack-gate");
              t.setDaemon(true);
              return t;
            });
    AtomicInteger patchThreads = new AtomicInteger();
    ExecutorService gatePatches =
        Executors.newFixedThreadPool(
            GateController.PATCHES_IN_FLIGHT,
            r -> {
              Thread t = new Thread(r, "spotpack-gate-patch-" + patchThreads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    closeLast.add(0, gatePatches::shutdownNow); // before the client its patches use
    GateController controller =
        new GateController(
            client,
            GateController.patcher(client),
            state,
            gate,
            config.policy().roles(),
            feed::ready,
            gateThread,
            gatePatches,
            registry,
            Clock.systemUTC());
    feed.podListener(controller);
    controller.start();
    closeLast.add(0, controller); // before the client it uses
    ServerConfig.Webhook webhook = config.server().webhook();
    return new Cluster(
        new LiveClusterSource(state, feed::ready),
        binder,
        feed,
        webhook != null && webhook.placementGate() ? gate : null,
        controller::held,
        closeLast);
  }

  /**
   * A bind's timeout on the event loop it came in on: arming and cancelling it wakes no thread. The
   * start-up rehearsal (WarmUp) binds with the same, so that the JIT sees the live types.
   */
  static KubeBinder.Deadlines onEventLoop(Vertx vertx) {
    return (delay, task) -> {
      long timer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> task.run());
      return () -> vertx.cancelTimer(timer);
    };
  }

  /**
   * A snapshot file or the bundled example; binds are recorded in memory. No gate: nothing would
   * ever lift it.
   */
  static Cluster snapshot(ExtenderApp.Source source, SpotpackConfig config, SnapshotFile reader)
      throws IOException {
    ClusterState state = new ClusterState(config.policy().roles());
    SnapshotFile.Summary summary;
    String name;
    if (source instanceof ExtenderApp.Source.Snapshot snapshot) {
      name = "snapshot " + snapshot.file();
      try {
        summary = reader.load(snapshot.file(), state);
      } catch (NoSuchFileException e) {
        throw new StartupException("snapshot file " + snapshot.file() + " does not exist");
      }
    } else {
      name = "bundled example " + SnapshotFile.EXAMPLE;
      summary = reader.loadExample(state);
    }
    LOG.info(
        "loaded {}: {} nodes, {} pods ({} finished pods skipped{})",
        name,
        summary.nodes(),
        summary.pods(),
        summary.finishedPodsSkipped(),
        summary.otherKindsSkipped().isEmpty()
            ? ""
            : ", other kinds ignored: " + summary.otherKindsSkipped());
    return new Cluster(
        new SnapshotClusterSource(state),
        new SnapshotBinder(state),
        null,
        null,
        List::of,
        new ArrayList<>());
  }

  /**
   * A client for a kubeconfig (the default lookup when null) that reads with {@code serialization}:
   * spotpack's is kube.LeanDecoding's, so Pods and Nodes read through it carry only what spotpack
   * reads, and spotpack never writes one back.
   */
  static KubernetesClient client(@Nullable Path kubeconfig, KubernetesSerialization serialization)
      throws IOException {
    return builder(kubeconfig, serialization).build();
  }

  /**
   * The same, on {@code vertx}'s event loops instead of a Vert.x instance of the client's own: the
   * binding POSTs are sent from the extender's event loops, so one set of event loops (not two)
   * serves kube-scheduler and talks to the API server. The client does not close {@code vertx}; its
   * owner does, after the client.
   */
  static KubernetesClient client(
      @Nullable Path kubeconfig, KubernetesSerialization serialization, Vertx vertx)
      throws IOException {
    return builder(kubeconfig, serialization)
        .withHttpClientFactory(new Vertx5HttpClientFactory(vertx))
        .build();
  }

  /**
   * fabric8's tasks (watch events, informer notifications, its scheduled retries) run on the thread
   * that produced them instead of being handed to a cached thread pool. With the pool, every watch
   * event woke two pool threads in turn (the watch's serial executor, then the informer's): 3.3
   * thread wake-ups per scheduled pod, more than any other hop in the loop (docs/benchmarks-log.md,
   * stop 30). Safe because nothing run there blocks: spotpack's handlers only update memory and
   * hand the gate's API calls to its own thread ({@link GateController}), and fabric8's informers
   * list and watch asynchronously (fabric8 itself informs with a direct executor in {@code
   * informOnCondition}). Blocking client calls (explain, the gate's patches) come from spotpack's
   * own threads and wait on futures the event loops complete, as before.
   */
  private static KubernetesClientBuilder builder(
      @Nullable Path kubeconfig, KubernetesSerialization serialization) throws IOException {
    return new KubernetesClientBuilder()
        .withConfig(kubeConfig(kubeconfig))
        .withKubernetesSerialization(serialization)
        .withTaskExecutor(Runnable::run);
  }

  /** The client config from a kubeconfig file, or the default lookup when it is null. */
  private static Config kubeConfig(@Nullable Path kubeconfig) throws IOException {
    if (kubeconfig == null) {
      return Config.autoConfigure(null);
    }
    try {
      return Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new StartupException("kubeconfig " + kubeconfig + " does not exist");
    }
  }
}
