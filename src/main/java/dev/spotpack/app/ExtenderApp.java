package dev.spotpack.app;

import dev.spotpack.admission.SpreadHintWebhook;
import dev.spotpack.config.ConfigLoader;
import dev.spotpack.config.ServerConfig;
import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.extender.ExtenderCalls;
import dev.spotpack.extender.JobReports;
import dev.spotpack.http.BodyBudget;
import dev.spotpack.http.ExtenderRoutes;
import dev.spotpack.http.Listeners;
import dev.spotpack.http.ManagementRoutes;
import dev.spotpack.http.WebhookRoutes;
import dev.spotpack.kube.ClusterFeed;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.kube.LeanDecoding;
import dev.spotpack.kube.SnapshotFile;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.spot.SpreadHints;
import dev.spotpack.protocol.ExtenderJson;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running extender: builds the object graph by hand, starts the cluster feed and the HTTP
 * servers, and stops them in reverse order. Nothing starts in a constructor; every component keeps
 * its own metrics, checks and formats.
 */
public final class ExtenderApp {
  private static final Logger LOG = LoggerFactory.getLogger(ExtenderApp.class);

  /** Where the cluster comes from. */
  public sealed interface Source {
    /** A snapshot file. */
    record Snapshot(Path file) implements Source {}

    /** The example bundled in the jar. */
    record Example() implements Source {}

    /** A live API server; a null kubeconfig means KUBECONFIG, ~/.kube/config or in-cluster. */
    record Live(@Nullable Path kubeconfig) implements Source {}
  }

  /** What {@code serve} was asked to do. */
  public record Options(
      @Nullable Path config, Source source, String host, int port, int managementPort) {}

  private final Options options;
  private final SpotpackConfig config;
  private final ClusterWiring.Cluster cluster;
  private final ExtenderRoutes extenderRoutes;
  private final ManagementRoutes managementRoutes;
  private final WebhookRoutes webhookRoutes;
  private final @Nullable WarmUp warmUp;
  private final MeterRegistry registry;
  private final JvmMetrics jvmMetrics;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private volatile boolean stopping;

  /** The servers' event loops, which the API client shares in live mode; closed last. */
  private @Nullable Vertx vertx;

  private List<HttpServer> extenderServers = List.of();
  private @Nullable HttpServer managementServer;
  private @Nullable HttpServer webhookServer;

  private ExtenderApp(
      Options options,
      SpotpackConfig config,
      ClusterWiring.Cluster cluster,
      ExtenderRoutes extenderRoutes,
      ManagementRoutes managementRoutes,
      WebhookRoutes webhookRoutes,
      @Nullable WarmUp warmUp,
      MeterRegistry registry,
      JvmMetrics jvmMetrics,
      Vertx vertx) {
    this.vertx = vertx;
    this.registry = registry;
    this.jvmMetrics = jvmMetrics;
    this.options = options;
    this.config = config;
    this.cluster = cluster;
    this.extenderRoutes = extenderRoutes;
    this.managementRoutes = managementRoutes;
    this.webhookRoutes = webhookRoutes;
    this.warmUp = warmUp;
  }

  public static ExtenderApp create(Options options) throws IOException {
    SpotpackConfig config = readConfig(options.config());
    // the extender's loops are Vert.x's, which the API client and the other ports share
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(
                    Math.max(
                        VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, config.server().eventLoops())));
    try {
      return create(options, config, vertx);
    } catch (IOException | RuntimeException e) {
      vertx.close(); // its event-loop threads would keep the JVM from exiting on the error
      throw e;
    }
  }

  private static ExtenderApp create(Options options, SpotpackConfig config, Vertx vertx)
      throws IOException {
    // Pods and Nodes carry only what spotpack reads (kube.LeanDecoding)
    KubernetesSerialization serialization = LeanDecoding.serialization();
    KubeModel model = new KubeModel(serialization, config.policy().roles().labelKeys());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SpotPolicy policy = new SpotPolicy(config.policy());
    // one instance for the live calls and the rehearsal (WarmUp): the JIT compiles the verbs for
    // the class it sees, and a second class would make the first live calls recompile them
    LongSupplier nanoTime = System::nanoTime;
    ClusterWiring.Cluster cluster =
        options.source() instanceof Source.Live live
            ? ClusterWiring.live(live, config, serialization, model, registry, vertx)
            : ClusterWiring.snapshot(
                options.source(), config, new SnapshotFile(serialization, model));

    ExtenderCalls calls =
        ExtenderCalls.wire(
            policy,
            cluster.source(),
            cluster.binder(),
            model,
            registry,
            nanoTime,
            Clock.systemUTC());
    long inFlightBytes =
        config.server().maxRequestBytesInFlight() > 0
            ? config.server().maxRequestBytesInFlight()
            : BodyBudget.defaultBudget(Runtime.getRuntime().maxMemory());
    // one budget for every listener: they share one heap
    BodyBudget budget =
        new BodyBudget(inFlightBytes, config.server().maxRequestBodyBytes(), registry);
    WebhookRoutes webhook =
        new WebhookRoutes(
            new SpreadHintWebhook(
                new SpreadHints(config.policy().roles(), config.policy().profiles()),
                cluster.webhookGate(),
                registry),
            budget);
    ManagementRoutes management =
        new ManagementRoutes(
            cluster.source()::ready,
            registry,
            new JobReports(policy, cluster.source(), registry),
            cluster.heldAtGate(),
            new ExtenderJson());
    // only a live spotpack has kube-scheduler's calls to get ready for
    WarmUp warmUp =
        options.source() instanceof Source.Live && config.server().warmUpPods() > 0
            ? new WarmUp(config, serialization, model, nanoTime)
            : null;
    if (warmUp != null) {
      Gauge.builder("spotpack.warmup.running", warmUp, w -> w.running() ? 1 : 0)
          .description(
              "1 while the start-up rehearsal of the request path runs (server.warmUpPods)")
          .register(registry);
    }
    return new ExtenderApp(
        options,
        config,
        cluster,
        new ExtenderRoutes(calls, budget),
        management,
        webhook,
        warmUp,
        registry,
        JvmMetrics.bindTo(registry),
        vertx);
  }

  private static SpotpackConfig readConfig(@Nullable Path file) throws IOException {
    if (file == null) {
      return SpotpackConfig.DEFAULT;
    }
    try {
      return new ConfigLoader().load(file);
    } catch (NoSuchFileException e) {
      throw new StartupException("config file " + file + " does not exist");
    }
  }

  /** Starts the cluster feed (live mode) and the servers; returns once they listen. */
  public void start() throws InterruptedException {
    LOG.info("{}", JvmMetrics.describe());
    ClusterFeed feed = cluster.feed();
    if (feed != null) {
      long t0 = System.nanoTime();
      feed.start()
          .whenComplete(
              (v, t) -> {
                if (t == null) {
                  LOG.info(
                      "informers synced in {} ms: spotpack is ready",
                      Duration.ofNanos(System.nanoTime() - t0).toMillis());
                } else if (!stopping) {
                  LOG.error("informers failed to start: {}", t.toString());
                }
              });
      LOG.info(
          "watching nodes and pods at {}; verbs answer \"not ready\" until the first sync",
          feed.apiServer());
    }
    Vertx v = vertx;
    if (v == null) {
      throw new IllegalStateException("spotpack was stopped before it started");
    }
    Listeners listeners =
        new Listeners(
            v, options.host(), Listeners.requestDeadline(config.cluster().bindTimeout()), registry);
    ServerConfig server = config.server();
    // filter and prioritize are decided on the event loop of their connection (ExtenderRoutes), and
    // a bind's POST starts there: one loop by default, so kube-scheduler's calls never change loops
    // (ServerConfig.eventLoops)
    extenderServers =
        listen(
            () ->
                listeners.listenOnEventLoops(
                    extenderRoutes.router(v),
                    server.tls(),
                    options.port(),
                    "extender",
                    server.eventLoops()),
            options.port(),
            "extender");
    managementServer =
        listen(
            () ->
                listeners.listen(
                    managementRoutes.router(v), null, options.managementPort(), "management"),
            options.managementPort(),
            "management");
    LOG.info(
        "spotpack serving kube-scheduler on {}://{}:{}{}/{filter,prioritize,bind}; "
            + "/healthz, /readyz, /metrics and /debug/jobs on port {}; default profile {}",
        server.tls() == null ? "http" : "https",
        options.host(),
        extenderPort(),
        ExtenderRoutes.PREFIX,
        managementServer.actualPort(),
        config.policy().profiles().defaultProfile());
    if (server.webhook() != null) {
      ServerConfig.Webhook webhook = server.webhook();
      webhookServer =
          listen(
              () ->
                  listeners.listen(
                      webhookRoutes.router(v), webhook.tls(), webhook.port(), "webhook"),
              webhook.port(),
              "webhook");
      LOG.info(
          "spread-hint admission webhook on https://{}:{}{}",
          options.host(),
          webhookServer.actualPort(),
          WebhookRoutes.PATH);
    }
    if (warmUp != null) {
      startWarmUp(warmUp, v);
    }
  }

  /** The rehearsal of the request path (WarmUp), on a thread of its own while calls are served. */
  private void startWarmUp(WarmUp rehearsal, Vertx v) {
    int pods = config.server().warmUpPods();
    rehearsal.running(true);
    Thread t =
        new Thread(
            () -> {
              long cpu0 = processCpuNanos();
              try {
                WarmUp.Result r = rehearsal.run(v, pods, WARM_UP_LIMIT, () -> stopping);
                LOG.info(
                    "warm-up: rehearsed {} of {} executors ({} binds, {} nodes rejected) in {} ms;"
                        + " the process used {} ms of CPU meanwhile{}",
                    r.pods(),
                    pods,
                    r.binds(),
                    r.rejectedNodes(),
                    r.took().toMillis(),
                    (processCpuNanos() - cpu0) / 1_000_000,
                    r.stoppedByLimit()
                        ? ", stopped at its " + WARM_UP_LIMIT.toSeconds() + " s limit"
                        : "");
              } catch (IOException | RuntimeException e) {
                if (!stopping) {
                  LOG.warn("warm-up stopped early: {}", e.toString());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                rehearsal.running(false);
              }
            },
            "spotpack-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /** The longest a warm-up may take: on a starved CPU it gives up rather than compete for long. */
  static final Duration WARM_UP_LIMIT = Duration.ofSeconds(60);

  private static long processCpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  /** What {@code start} listens with: a server, or the extender's servers. */
  private <T> T listen(Supplier<CompletableFuture<T>> start, int port, String what)
      throws InterruptedException {
    try {
      return start.get().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      stop();
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StartupException(
          "cannot listen for "
              + what
              + " on "
              + options.host()
              + ":"
              + port
              + ": "
              + cause.getMessage(),
          cause);
    }
  }

  public int extenderPort() {
    return extenderServers.isEmpty() ? -1 : extenderServers.get(0).actualPort();
  }

  /** The webhook listener's port, or -1 when {@code server.webhook} is not configured. */
  public int webhookPort() {
    return webhookServer == null ? -1 : webhookServer.actualPort();
  }

  public int managementPort() {
    return managementServer == null ? -1 : managementServer.actualPort();
  }

  public boolean ready() {
    return cluster.source().ready();
  }

  /**
   * Drains in-flight calls (up to 5 s), closes the feed and the client, then Vert.x. Idempotent.
   */
  public synchronized void stop() {
    stopping = true;
    try {
      List<@Nullable HttpServer> servers = new ArrayList<>(extenderServers);
      servers.add(managementServer);
      servers.add(webhookServer);
      // all at once: each drains its in-flight calls for up to 5 s, and one after another the
      // extender's servers (one per event loop) alone would take 20 s
      List<CompletableFuture<Void>> drained = new ArrayList<>();
      for (HttpServer s : servers) {
        if (s != null) {
          drained.add(s.shutdown(5, TimeUnit.SECONDS).toCompletionStage().toCompletableFuture());
        }
      }
      CompletableFuture.allOf(drained.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("shutdown did not complete cleanly: {}", e.toString());
    } finally {
      extenderServers = List.of();
      managementServer = null;
      webhookServer = null;
      if (cluster.feed() != null) {
        cluster.feed().close();
      }
      List<AutoCloseable> closeLast = cluster.closeLast();
      for (AutoCloseable c : closeLast) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.warn("closing {}: {}", c, e.toString());
        }
      }
      closeLast.clear();
      jvmMetrics.close();
      closeVertx(); // last: the API client ran on its event loops
      stopped.countDown();
    }
  }

  private void closeVertx() {
    Vertx v = vertx;
    vertx = null;
    if (v == null) {
      return;
    }
    try {
      v.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("closing the event loops did not complete cleanly: {}", e.toString());
    }
  }

  public void awaitStop() throws InterruptedException {
    stopped.await();
  }
}
