package dev.spotpack.app;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.spotpack.admission.SpreadHintWebhook;
import dev.spotpack.bind.Binder;
import dev.spotpack.cluster.AssumptionListener;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.cluster.SnapshotBinder;
import dev.spotpack.config.ClusterConfig;
import dev.spotpack.config.ConfigLoader;
import dev.spotpack.config.ServerConfig;
import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.extender.BindVerb;
import dev.spotpack.extender.ClusterSource;
import dev.spotpack.extender.ExtenderCalls;
import dev.spotpack.extender.FilterVerb;
import dev.spotpack.extender.JobReports;
import dev.spotpack.extender.LiveClusterSource;
import dev.spotpack.extender.PrioritizeVerb;
import dev.spotpack.extender.SnapshotClusterSource;
import dev.spotpack.extender.VerbMetrics;
import dev.spotpack.http.BodyBudget;
import dev.spotpack.http.ConnectionDeadlines;
import dev.spotpack.http.ExtenderRoutes;
import dev.spotpack.http.ManagementRoutes;
import dev.spotpack.http.WebhookRoutes;
import dev.spotpack.kube.ClusterFeed;
import dev.spotpack.kube.FeedMetrics;
import dev.spotpack.kube.GateController;
import dev.spotpack.kube.KubeBinder;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.kube.SnapshotFile;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.PlacementGate;
import dev.spotpack.policy.spot.SpreadHints;
import dev.spotpack.protocol.ExtenderJson;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running extender: builds the object graph by hand, starts the cluster feed and the HTTP
 * servers, and stops them in reverse order. Nothing starts in a constructor.
 */
public final class ExtenderApp {
  private static final Logger LOG = LoggerFactory.getLogger(ExtenderApp.class);
  static final String EXAMPLE_SNAPSHOT = "/examples/cluster.yaml";

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
  private final ClusterSource cluster;
  private final ExtenderRoutes extenderRoutes;
  private final ManagementRoutes managementRoutes;
  private final WebhookRoutes webhookRoutes;
  private final @Nullable ClusterFeed feed;
  private final List<AutoCloseable> closeLast;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private volatile boolean stopping;
  private @Nullable Vertx vertx;
  private @Nullable HttpServer extenderServer;
  private @Nullable HttpServer managementServer;
  private @Nullable HttpServer webhookServer;

  private ExtenderApp(
      Options options,
      SpotpackConfig config,
      ClusterSource cluster,
      ExtenderRoutes extenderRoutes,
      ManagementRoutes managementRoutes,
      WebhookRoutes webhookRoutes,
      @Nullable ClusterFeed feed,
      List<AutoCloseable> closeLast) {
    this.options = options;
    this.config = config;
    this.cluster = cluster;
    this.extenderRoutes = extenderRoutes;
    this.managementRoutes = managementRoutes;
    this.webhookRoutes = webhookRoutes;
    this.feed = feed;
    this.closeLast = closeLast;
  }

  public static ExtenderApp create(Options options) throws IOException {
    SpotpackConfig config = readConfig(options.config());
    KubernetesSerialization serialization = new KubernetesSerialization();
    KubeModel model = new KubeModel(serialization, config.policy().roles().labelKeys());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SpotPolicy policy = new SpotPolicy(config.policy());

    ClusterState state;
    ClusterSource cluster;
    Binder binder;
    ClusterFeed feed = null;
    PlacementGate gate = null;
    List<AutoCloseable> closeLast = new ArrayList<>();
    if (options.source() instanceof Source.Live live) {
      ClusterConfig cc = config.cluster();
      state =
          new ClusterState(
              config.policy().roles(),
              Ticker.systemTicker(),
              cc.assumedPlacementTtl(),
              assumptionMetrics(registry));
      KubernetesClient client =
          new KubernetesClientBuilder().withConfig(kubeConfig(live.kubeconfig())).build();
      closeLast.add(client);
      feed =
          new ClusterFeed(
              client, model, state, new FeedMetrics(registry), cc.listPageSize(), System::nanoTime);
      ClusterFeed f = feed;
      cluster = new LiveClusterSource(state, f::ready);
      ThreadPoolExecutor bindPool = boundedPool("spotpack-bind", cc.bindThreads(), 1024);
      closeLast.add(bindPool::shutdownNow);
      binder =
          new KubeBinder(client, state, bindPool, cc.bindThreads(), cc.bindTimeout(), registry);
      // the controller runs in every live deployment, so that executors gated before the webhook's
      // gate was turned off are still released; the webhook gates only when configured to
      PlacementGate placementGate =
          new PlacementGate(
              config.policy().roles(), config.policy().spotNodes(), config.policy().profiles());
      ServerConfig.Webhook webhookConfig = config.server().webhook();
      if (webhookConfig != null && webhookConfig.placementGate()) {
        gate = placementGate;
      }
      closeLast.add(
          0,
          gateController(
              client, model, state, placementGate, config, f, registry)); // before the client
      Gauge.builder("spotpack.assumed.placements", state, s -> s.assumedCount())
          .description(
              "Placements and pods spotpack knows of that the informer has not reported yet")
          .register(registry);
    } else {
      state = new ClusterState(config.policy().roles());
      loadSnapshot(options.source(), new SnapshotFile(serialization, model), state);
      cluster = new SnapshotClusterSource(state);
      binder = new SnapshotBinder(state);
    }
    Gauge.builder("spotpack.ready", cluster, c -> c.ready() ? 1 : 0)
        .description(
            "1 when the cluster state is synced and spotpack decides; 0 while it answers with"
                + " errors")
        .register(registry);

    ExtenderJson json = new ExtenderJson();
    ExtenderCalls calls =
        calls(policy, cluster, binder, model, registry, System::nanoTime, Clock.systemUTC());
    long maxBody = config.server().maxRequestBodyBytes();
    long inFlightBytes =
        config.server().maxRequestBytesInFlight() > 0
            ? config.server().maxRequestBytesInFlight()
            : BodyBudget.defaultBudget(Runtime.getRuntime().maxMemory());
    BodyBudget budget =
        new BodyBudget(inFlightBytes, maxBody, registry); // one for every listener: one heap
    ExtenderRoutes routes = new ExtenderRoutes(calls, budget);
    // the gate only where its controller runs: in snapshot mode nothing would ever lift it
    WebhookRoutes webhook =
        new WebhookRoutes(
            new SpreadHintWebhook(
                new SpreadHints(config.policy().roles(), config.policy().profiles()),
                gate,
                registry),
            budget);
    ManagementRoutes management =
        new ManagementRoutes(
            cluster::ready, registry, new JobReports(policy, cluster, registry), json);
    return new ExtenderApp(options, config, cluster, routes, management, webhook, feed, closeLast);
  }

  /** Starts the controller that lifts the placement gate, following the feed's pod events. */
  private static GateController gateController(
      KubernetesClient client,
      KubeModel model,
      ClusterState state,
      PlacementGate gate,
      SpotpackConfig config,
      ClusterFeed feed,
      MeterRegistry registry) {
    ScheduledExecutorService thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "spotpack-gate");
              t.setDaemon(true);
              return t;
            });
    GateController controller =
        new GateController(
            client, model, state, gate, config.policy().roles(), feed::ready, thread, registry);
    feed.podListener(controller);
    controller.start();
    return controller;
  }

  /** The verbs, wired; also what golden and HTTP tests run. */
  public static ExtenderCalls calls(
      SpotPolicy policy,
      ClusterSource cluster,
      Binder binder,
      KubeModel model,
      MeterRegistry registry,
      LongSupplier nanoTime,
      Clock clock) {
    return new ExtenderCalls(
        new FilterVerb(policy, cluster, model, clock),
        new PrioritizeVerb(policy, cluster, model),
        new BindVerb(binder, cluster),
        new ExtenderJson(model::keepsLabel, KubeModel::keepsAnnotation),
        new VerbMetrics(registry),
        nanoTime);
  }

  /** The verbs of snapshot mode over {@code state}. */
  public static ExtenderCalls snapshotCalls(
      SpotpackConfig config,
      ClusterState state,
      KubeModel model,
      MeterRegistry registry,
      LongSupplier nanoTime) {
    return snapshotCalls(config, state, model, registry, nanoTime, Clock.systemUTC());
  }

  public static ExtenderCalls snapshotCalls(
      SpotpackConfig config,
      ClusterState state,
      KubeModel model,
      MeterRegistry registry,
      LongSupplier nanoTime,
      Clock clock) {
    return calls(
        new SpotPolicy(config.policy()),
        new SnapshotClusterSource(state),
        new SnapshotBinder(state),
        model,
        registry,
        nanoTime,
        clock);
  }

  private static AssumptionListener assumptionMetrics(MeterRegistry registry) {
    Timer confirmation =
        Timer.builder("spotpack.bind.confirmation")
            .description(
                "Time from spotpack's bind to the informer reporting the pod bound (informer lag)")
            .serviceLevelObjectives(
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30))
            .register(registry);
    Counter expired =
        Counter.builder("spotpack.assumptions.expired")
            .description(
                "Placements the informer never confirmed within cluster.assumedPlacementTtlSeconds")
            .register(registry);
    return new AssumptionListener() {
      @Override
      public void confirmed(PodInfo pod, Duration lag) {
        confirmation.record(lag);
      }

      @Override
      public void expired(PodInfo pod, String node) {
        expired.increment();
        LOG.warn(
            "the informer never reported {} bound to {}; it no longer counts there",
            pod.key(),
            node);
      }
    };
  }

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

  private static ThreadPoolExecutor boundedPool(String name, int threads, int queue) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(
        threads,
        threads,
        60,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queue),
        r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  private static SpotpackConfig readConfig(@Nullable Path file) throws IOException {
    if (file == null) {
      return SpotpackConfig.DEFAULT;
    }
    try {
      return new ConfigLoader()
          .parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (NoSuchFileException e) {
      throw new StartupException("config file " + file + " does not exist");
    }
  }

  private static void loadSnapshot(Source source, SnapshotFile reader, ClusterState state)
      throws IOException {
    SnapshotFile.Summary summary;
    String name;
    if (source instanceof Source.Snapshot snapshot) {
      name = "snapshot " + snapshot.file();
      try (InputStream in = Files.newInputStream(snapshot.file())) {
        summary = reader.load(in, snapshot.file().toString(), state);
      } catch (NoSuchFileException e) {
        throw new StartupException("snapshot file " + snapshot.file() + " does not exist");
      }
    } else {
      name = "bundled example " + EXAMPLE_SNAPSHOT;
      try (InputStream in = ExtenderApp.class.getResourceAsStream(EXAMPLE_SNAPSHOT)) {
        if (in == null) {
          throw new StartupException("the bundled example snapshot is missing from the jar");
        }
        summary = reader.load(in, name, state);
      }
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
  }

  /** Starts the cluster feed (live mode) and both servers; returns once they listen. */
  public void start() throws InterruptedException {
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
    Vertx v = Vertx.vertx();
    vertx = v;
    extenderServer =
        listen(
            v,
            extenderRoutes.router(v),
            tlsOptions(config.server().tls(), "server.tls"),
            options.port(),
            "extender");
    managementServer =
        listen(
            v,
            managementRoutes.router(v),
            withLimits(new HttpServerOptions()),
            options.managementPort(),
            "management");
    LOG.info(
        "spotpack serving kube-scheduler on {}://{}:{}{}/{filter,prioritize,bind}; "
            + "/healthz, /readyz, /metrics and /debug/jobs on port {}; default profile {}",
        config.server().tls() == null ? "http" : "https",
        options.host(),
        extenderServer.actualPort(),
        ExtenderRoutes.PREFIX,
        managementServer.actualPort(),
        config.policy().profiles().defaultProfile());
    ServerConfig.Webhook webhook = config.server().webhook();
    if (webhook != null) {
      webhookServer =
          listen(
              v,
              webhookRoutes.router(v),
              tlsOptions(webhook.tls(), "server.webhook"),
              webhook.port(),
              "webhook");
      LOG.info(
          "spread-hint admission webhook on https://{}:{}{}",
          options.host(),
          webhookServer.actualPort(),
          WebhookRoutes.PATH);
    }
  }

  /**
   * What every listener gets. An idle timeout of {@value #IDLE_TIMEOUT_SECONDS} s: longer than
   * kube-scheduler keeps an idle connection for reuse (90 s: its extender client's transport gets
   * http.DefaultTransport's IdleConnTimeout from SetOldTransportDefaults in kubernetes/kubernetes
   * staging/src/k8s.io/apimachinery/pkg/util/net/http.go), so spotpack never closes a connection
   * the scheduler is about to reuse, while a connection that sends nothing (or stops half-way
   * through its headers) is closed instead of held forever. HTTP/1.1 only: kube-scheduler and the
   * API server speak it to extenders and webhooks, and cleartext HTTP/2 (h2c upgrade) adds a
   * protocol nobody here uses.
   */
  private static HttpServerOptions withLimits(HttpServerOptions o) {
    return o.setIdleTimeout(IDLE_TIMEOUT_SECONDS)
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setHttp2ClearTextEnabled(false)
        .setUseAlpn(false);
  }

  static final int IDLE_TIMEOUT_SECONDS = 120;

  /**
   * How long a request may take once its headers are in: the longest a verb can legitimately take
   * (a bind waits up to {@code cluster.bindTimeoutMillis} for the API server) plus 30 s for a large
   * body on a slow link; past it, a client trickling its body is cut off.
   */
  static Duration requestDeadline(SpotpackConfig config) {
    return config.cluster().bindTimeout().plusSeconds(30);
  }

  /** HTTPS with PEM files when configured; client certificates required when a client CA is set. */
  private static HttpServerOptions tlsOptions(ServerConfig.@Nullable Tls tls, String key) {
    HttpServerOptions o = withLimits(new HttpServerOptions());
    if (tls == null) {
      return o;
    }
    for (Path f :
        tls.clientCaFile() == null
            ? List.of(tls.certFile(), tls.keyFile())
            : List.of(tls.certFile(), tls.keyFile(), tls.clientCaFile())) {
      if (!Files.isReadable(f)) {
        throw new StartupException(
            "TLS file " + f + " (config " + key + ") does not exist or cannot be read");
      }
    }
    o.setSsl(true)
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setCertPath(tls.certFile().toString())
                .setKeyPath(tls.keyFile().toString()));
    if (tls.clientCaFile() != null) {
      o.setClientAuth(ClientAuth.REQUIRED)
          .setTrustOptions(new PemTrustOptions().addCertPath(tls.clientCaFile().toString()));
    }
    return o;
  }

  private HttpServer listen(
      Vertx v, Router router, HttpServerOptions serverOptions, int port, String what)
      throws InterruptedException {
    try {
      ConnectionDeadlines deadlines =
          new ConnectionDeadlines(
              v, Duration.ofSeconds(IDLE_TIMEOUT_SECONDS), requestDeadline(config), what);
      return v.createHttpServer(serverOptions)
          .connectionHandler(deadlines::onConnection)
          .requestHandler(deadlines.wrap(router))
          // malformed HTTP from a client (a bad chunk, a reset): one line, no stack trace
          .exceptionHandler(
              t ->
                  LOG.debug(
                      "{} port: dropped a client connection: {}",
                      what,
                      t.toString().replace('\n', ' ')))
          .listen(port, options.host())
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
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
    return extenderServer == null ? -1 : extenderServer.actualPort();
  }

  /** The webhook listener's port, or -1 when {@code server.webhook} is not configured. */
  public int webhookPort() {
    return webhookServer == null ? -1 : webhookServer.actualPort();
  }

  public int managementPort() {
    return managementServer == null ? -1 : managementServer.actualPort();
  }

  public boolean ready() {
    return cluster.ready();
  }

  /**
   * Drains in-flight calls (up to 5 s), closes Vert.x, then the feed and the client. Idempotent.
   */
  public synchronized void stop() {
    stopping = true;
    try {
      for (HttpServer s : new HttpServer[] {extenderServer, managementServer, webhookServer}) {
        if (s != null) {
          s.shutdown(5, TimeUnit.SECONDS)
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
        }
      }
      if (vertx != null) {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("shutdown did not complete cleanly: {}", e.toString());
    } finally {
      extenderServer = null;
      managementServer = null;
      webhookServer = null;
      vertx = null;
      if (feed != null) {
        feed.close();
      }
      for (AutoCloseable c : closeLast) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.warn("closing {}: {}", c, e.toString());
        }
      }
      closeLast.clear();
      stopped.countDown();
    }
  }

  public void awaitStop() throws InterruptedException {
    stopped.await();
  }
}
