package dev.spotpack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spotpack.app.ExtenderApp;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric the alert rules and the Grafana dashboard (manifests/monitoring) query exists: the
 * spotpack_* and jvm_memory_* names in a scrape of spotpack running against a real kube-apiserver,
 * the scheduler_* names in a scrape of the kube-scheduler that calls it (jvm_gc_* series appear
 * only after a collection, so they are not checked). A renamed metric breaks this test, not a
 * dashboard nobody looks at until the night it is needed. The other way round, every spotpack_*
 * metric in that scrape is in docs/reference.md's table, so that operators can look up what they
 * see (the webhook's and the placement gate's are not served here; the table lists them).
 */
class MonitoringNamesE2EIT {
  static final Pattern NAME = Pattern.compile("\\b((?:spotpack|scheduler|jvm_memory)_[a-z_]+)\\b");

  @Test
  void everyQueriedMetricExistsInALiveScrape() throws Exception {
    KubeBinaries.Found bin = KubeBinaries.locate();
    assumeTrue(bin.dir().isPresent(), () -> "local control plane unavailable: " + bin.reason());
    Set<String> queried = new TreeSet<>();
    for (String expr : dev.spotpack.manifests.MonitoringFiles.allExprs()) {
      Matcher m = NAME.matcher(expr);
      while (m.find()) {
        queried.add(m.group(1));
      }
    }
    assertThat(queried)
        .contains("spotpack_ready", "scheduler_pending_pods", "jvm_memory_used_bytes");

    Path dir = Path.of("target/e2e/monitoring-" + System.currentTimeMillis()).toAbsolutePath();
    Files.createDirectories(dir);
    try (LocalControlPlane.ApiServer api = LocalControlPlane.startApiServer(bin.dir().get(), dir)) {
      ExtenderApp spotpack = SpotpackAndScheduler.startSpotpack(dir, api.kubeconfig());
      try {
        int schedulerPort = Processes.freePort();
        SpotpackAndScheduler.startScheduler(
            bin.dir().get(),
            SchedulerConfigFile.write(
                dir, "127.0.0.1:" + spotpack.extenderPort(), api.kubeconfig()),
            "kube-scheduler",
            api.processes(),
            api.insecure(),
            schedulerPort);
        // one executor scheduled through spotpack: per-job gauges and the scheduler's attempt
        // histogram exist only once something happened
        KubernetesClient client = api.client();
        FakeNodes.scheduleOneExecutor(client);
        String spotpackMetrics =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:" + spotpack.managementPort() + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        HttpResponse<String> scheduler =
            api.insecure()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("https://127.0.0.1:" + schedulerPort + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(scheduler.statusCode()).as(scheduler.body()).isEqualTo(200);
        Set<String> scraped = new TreeSet<>();
        for (String text : List.of(spotpackMetrics, scheduler.body())) {
          for (String line : text.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
              scraped.add(line.split("[{ ]", 2)[0]);
            }
          }
        }
        assertThat(scraped).as("metric names in the two scrapes").containsAll(queried);
        assertThat(
                DocumentedMetrics.undocumented(
                    spotpackMetrics, Files.readString(Path.of("docs/reference.md"))))
            .as("spotpack metrics served but missing from docs/reference.md")
            .isEmpty();
        // every body the real kube-scheduler sent (and the warm-up's) was in its own layout, so
        // that the fast reader is what users get (protocol.SchedulerLayout)
        assertThat(
                MetricsText.sum(spotpackMetrics, "spotpack_verb_bodies_total", "reader=\"layout\""))
            .as(spotpackMetrics)
            .isPositive();
        assertThat(
                MetricsText.sum(
                    spotpackMetrics, "spotpack_verb_bodies_total", "reader=\"general\""))
            .as(spotpackMetrics)
            .isZero();
      } finally {
        spotpack.stop();
      }
    }
  }
}
