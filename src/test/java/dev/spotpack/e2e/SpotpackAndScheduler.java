package dev.spotpack.e2e;

import static org.awaitility.Awaitility.await;

import dev.spotpack.app.ExtenderApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * spotpack (in this JVM, live mode) and kube-scheduler (a process, the shipped config with the
 * extender URL and kubeconfig substituted) attached to an API server given by a kubeconfig. The
 * namespace of the scheduler's leader-election lease must exist.
 */
final class SpotpackAndScheduler {
  private SpotpackAndScheduler() {}

  /**
   * A kube-scheduler process with {@code config}, logging to {@code name}.log; returns once ready.
   */
  static Process startScheduler(
      Path bin, Path config, String name, Processes processes, HttpClient insecure)
      throws Exception {
    return startScheduler(bin, config, name, processes, insecure, Processes.freePort());
  }

  /**
   * As above, on {@code port}; its /metrics may be read without credentials (a test scrapes it), as
   * a Prometheus in the cluster would with its own.
   */
  static Process startScheduler(
      Path bin, Path config, String name, Processes processes, HttpClient insecure, int port)
      throws Exception {
    Process p =
        processes.start(
            name,
            List.of(
                bin.resolve("kube-scheduler").toString(),
                "--config=" + config,
                "--bind-address=127.0.0.1",
                "--secure-port=" + port,
                // and its profiler, for SchedulerThroughput --go-profiles (a test's scheduler, on
                // loopback, without the delegated authentication that would check a token)
                "--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics,/debug/pprof/*",
                "--v=2"));
    LocalControlPlane.awaitOk(
        () ->
            insecure
                .send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/readyz"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode(),
        name,
        processes);
    return p;
  }

  static ExtenderApp start(
      Path bin, Path dir, Path kubeconfig, Processes processes, HttpClient insecure)
      throws Exception {
    return start(bin, dir, kubeconfig, processes, insecure, 0, "", config -> config);
  }

  /** A change to kube-scheduler's config file before it starts with it. */
  @FunctionalInterface
  interface ConfigEdit {
    Path apply(Path config) throws IOException;
  }

  /**
   * @param qps kube-scheduler's client rate limit (burst twice that); 0 keeps the shipped config's
   * @param serverYaml spotpack's {@code server} section, or empty for the defaults
   * @param edit applied to kube-scheduler's config file last
   */
  static ExtenderApp start(
      Path bin,
      Path dir,
      Path kubeconfig,
      Processes processes,
      HttpClient insecure,
      int qps,
      String serverYaml,
      ConfigEdit edit)
      throws Exception {
    ExtenderApp spotpack = startSpotpack(dir, kubeconfig, serverYaml);
    try {
      Path schedulerConfig =
          edit.apply(
              SchedulerConfigFile.withQps(
                  SchedulerConfigFile.write(
                      dir, "127.0.0.1:" + spotpack.extenderPort(), kubeconfig),
                  qps));
      startScheduler(bin, schedulerConfig, "kube-scheduler", processes, insecure);
      return spotpack;
    } catch (Exception | AssertionError e) {
      spotpack.stop();
      throw e;
    }
  }

  /** spotpack in this JVM, live against {@code kubeconfig}; returns once it is ready. */
  static ExtenderApp startSpotpack(Path dir, Path kubeconfig) throws Exception {
    return startSpotpack(dir, kubeconfig, "");
  }

  /** As above, with {@code serverYaml} as its config's {@code server} section (may be empty). */
  static ExtenderApp startSpotpack(Path dir, Path kubeconfig, String serverYaml) throws Exception {
    Path spotpackConfig = dir.resolve("spotpack.yaml");
    Files.writeString(spotpackConfig, "cluster:\n  bindTimeoutMillis: 3000\n" + serverYaml);
    ExtenderApp spotpack =
        ExtenderApp.create(
            new ExtenderApp.Options(
                spotpackConfig, new ExtenderApp.Source.Live(kubeconfig), "127.0.0.1", 0, 0));
    spotpack.start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(spotpack::ready);
      return spotpack;
    } catch (Exception | AssertionError e) {
      spotpack.stop();
      throw e;
    }
  }
}
