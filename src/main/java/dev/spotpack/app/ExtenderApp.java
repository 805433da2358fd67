package dev.spotpack.app;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.cluster.SnapshotBinder;
import dev.spotpack.config.ConfigLoader;
import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.extender.BindVerb;
import dev.spotpack.extender.ClusterSource;
import dev.spotpack.extender.ExtenderCalls;
import dev.spotpack.extender.FilterVerb;
import dev.spotpack.extender.PrioritizeVerb;
import dev.spotpack.extender.SnapshotClusterSource;
import dev.spotpack.extender.VerbMetrics;
import dev.spotpack.http.ExtenderRoutes;
import dev.spotpack.http.ManagementRoutes;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.kube.SnapshotFile;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.protocol.ExtenderJson;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running extender: builds the object graph by hand, starts the HTTP servers and stops them
 * in reverse order. Nothing starts in the constructor.
 */
public final class ExtenderApp {
  private static final Logger LOG = LoggerFactory.getLogger(ExtenderApp.class);
  static final String EXAMPLE_SNAPSHOT = "/examples/cluster.yaml";

  /** What {@code serve} was asked to do. A null snapshot means the bundled example. */
  public record Options(@Nullable Path config, @Nullable Path snapshot, String host, int port, int managementPort) {}

  private final Options options;
  private final SpotpackConfig config;
  private final ClusterSource cluster;
  private final ExtenderRoutes extenderRoutes;
  private final ManagementRoutes managementRoutes;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private @Nullable Vertx vertx;
  private @Nullable HttpServer extenderServer;
  private @Nullable HttpServer managementServer;

  private ExtenderApp(Options options, SpotpackConfig config, ClusterSource cluster,
      ExtenderRoutes extenderRoutes, ManagementRoutes managementRoutes) {
    this.options = options;
    this.config = config;
    this.cluster = cluster;
    this.extenderRoutes = extenderRoutes;
    this.managementRoutes = managementRoutes;
  }

  public static ExtenderApp create(Options options) throws IOException {
    SpotpackConfig config = readConfig(options.config());
    KubernetesSerialization serialization = new KubernetesSerialization();
    KubeModel model = new KubeModel(serialization);
    ClusterState state = new ClusterState(config.policy().roles());
    loadSnapshot(options.snapshot(), new SnapshotFile(serialization, model), state);

    ClusterSource cluster = new SnapshotClusterSource(state);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ExtenderCalls calls = snapshotCalls(config, state, model, registry, System::nanoTime);
    ExtenderRoutes routes = new ExtenderRoutes(calls, config.server().maxRequestBodyBytes());
    return new ExtenderApp(options, config, cluster, routes, new ManagementRoutes(cluster::ready, registry));
  }

  /** The verbs of snapshot mode, wired; also what golden and HTTP tests run. */
  public static ExtenderCalls snapshotCalls(SpotpackConfig config, ClusterState state, KubeModel model,
      MeterRegistry registry, LongSupplier nanoTime) {
    ClusterSource cluster = new SnapshotClusterSource(state);
    SpotPolicy policy = new SpotPolicy(config.policy());
    return new ExtenderCalls(
        new FilterVerb(policy, cluster, model),
        new PrioritizeVerb(policy, cluster, model),
        new BindVerb(new SnapshotBinder(state), cluster),
        new ExtenderJson(),
        new VerbMetrics(registry),
        nanoTime);
  }

  private static SpotpackConfig readConfig(@Nullable Path file) throws IOException {
    if (file == null) {
      return SpotpackConfig.DEFAULT;
    }
    try {
      return new ConfigLoader().parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (NoSuchFileException e) {
      throw new StartupException("config file " + file + " does not exist");
    }
  }

  private static void loadSnapshot(@Nullable Path file, SnapshotFile reader, ClusterState state)
      throws IOException {
    SnapshotFile.Summary summary;
    String source;
    if (file == null) {
      source = "bundled example " + EXAMPLE_SNAPSHOT;
      try (InputStream in = ExtenderApp.class.getResourceAsStream(EXAMPLE_SNAPSHOT)) {
        if (in == null) {
          throw new StartupException("the bundled example snapshot is missing from the jar");
        }
        summary = reader.load(in, source, state);
      }
    } else {
      source = "snapshot " + file;
      try (InputStream in = Files.newInputStream(file)) {
        summary = reader.load(in, file.toString(), state);
      } catch (NoSuchFileException e) {
        throw new StartupException("snapshot file " + file + " does not exist");
      }
    }
    LOG.info("loaded {}: {} nodes, {} pods ({} finished pods skipped{})", source, summary.nodes(),
        summary.pods(), summary.finishedPodsSkipped(),
        summary.otherKindsSkipped().isEmpty() ? "" : ", other kinds ignored: " + summary.otherKindsSkipped());
  }

  /** Starts both servers; returns once they listen. */
  public void start() throws InterruptedException {
    Vertx v = Vertx.vertx();
    vertx = v;
    extenderServer = listen(v, extenderRoutes.router(v), options.port(), "extender");
    managementServer = listen(v, managementRoutes.router(v), options.managementPort(), "management");
    LOG.info("spotpack serving kube-scheduler on http://{}:{}{}/{filter,prioritize,bind}; "
            + "/healthz, /readyz and /metrics on port {}; default profile {}",
        options.host(), extenderServer.actualPort(), ExtenderRoutes.PREFIX, managementServer.actualPort(),
        config.policy().profiles().defaultProfile());
  }

  private HttpServer listen(Vertx v, io.vertx.ext.web.Router router, int port, String what)
      throws InterruptedException {
    try {
      return v.createHttpServer().requestHandler(router).listen(port, options.host())
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      stop();
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StartupException("cannot listen for " + what + " on " + options.host() + ":" + port
          + ": " + cause.getMessage(), cause);
    }
  }

  public int extenderPort() {
    return extenderServer == null ? -1 : extenderServer.actualPort();
  }

  public int managementPort() {
    return managementServer == null ? -1 : managementServer.actualPort();
  }

  public boolean ready() {
    return cluster.ready();
  }

  /** Drains in-flight calls (up to 5 s), then closes Vert.x. Safe to call twice. */
  public synchronized void stop() {
    try {
      for (HttpServer s : new HttpServer[] {extenderServer, managementServer}) {
        if (s != null) {
          s.shutdown(5, TimeUnit.SECONDS).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
      }
      if (vertx != null) {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.warn("shutdown did not complete cleanly: {}", e.toString());
    } finally {
      extenderServer = null;
      managementServer = null;
      vertx = null;
      stopped.countDown();
    }
  }

  public void awaitStop() throws InterruptedException {
    stopped.await();
  }
}
