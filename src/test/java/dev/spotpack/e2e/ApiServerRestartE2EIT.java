package dev.spotpack.e2e;

import static dev.spotpack.e2e.ApiPolls.apiPoll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spotpack.app.ExtenderApp;
import dev.spotpack.testing.ExtenderHttp;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * kube-apiserver restarts under a running spotpack and kube-scheduler: while its watches are down,
 * spotpack answers "not ready" instead of deciding on a stale view; afterwards it recovers by
 * itself, and executors created after the restart are placed within their caps.
 */
class ApiServerRestartE2EIT {
  static LocalControlPlane.ApiServer api;
  static ExtenderApp spotpack;
  static Path bin;
  static Path dir;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    KubeBinaries.Found bin = KubeBinaries.locate();
    assumeTrue(bin.dir().isPresent(), () -> "local control plane unavailable: " + bin.reason());
    ApiServerRestartE2EIT.bin = bin.dir().get();
    dir = Path.of("target/e2e/restart-" + System.currentTimeMillis()).toAbsolutePath();
    api = LocalControlPlane.startApiServer(bin.dir().get(), dir);
    spotpack =
        SpotpackAndScheduler.start(
            bin.dir().get(), dir, api.kubeconfig(), api.processes(), api.insecure());
  }

  @AfterAll
  static void stop() {
    if (spotpack != null) {
      spotpack.stop();
    }
    if (api != null) {
      api.close();
    }
  }

  static int readyz() throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + spotpack.managementPort() + "/readyz"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  static String filterError() throws Exception {
    String body =
        "{\"Pod\":{\"metadata\":{\"name\":\"p\",\"namespace\":\"x\",\"uid\":\"u\",\"labels\":{\"spark-app-selector\":\"j\","
            + "\"spark-role\":\"executor\"}},\"spec\":{\"containers\":[]},\"status\":{}},\"Nodes\":null,\"NodeNames\":[\"n\"]}";
    String reply = ExtenderHttp.post(spotpack, "filter", body).body();
    return new JsonMapper().readTree(reply).get("Error").stringValue();
  }

  /** Whether kube-scheduler's leader lease was renewed after {@code since}. */
  static boolean renewedSince(KubernetesClient client, Instant since) {
    Lease lease =
        client.leases().inNamespace("spotpack-system").withName("spotpack-scheduler").get();
    ZonedDateTime renewed = lease == null ? null : lease.getSpec().getRenewTime();
    return renewed != null && renewed.toInstant().isAfter(since);
  }

  @Test
  void answersNotReadyWhileTheApiServerIsDownAndRecoversByItself() throws Exception {
    assertThat(readyz()).isEqualTo(200);
    api.stopApiServer();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> readyz() == 503);
    assertThat(filterError()).isEqualTo("not ready: cluster state not synced");

    Instant restarted = Instant.now();
    api.startApiServer();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> readyz() == 200);
    assertThat(filterError()).isEmpty();

    // kube-scheduler exits ("Leaderelection lost", by design) when it has not renewed its lease
    // within its renew deadline (10 s); in a cluster the kubelet restarts its container. It retries
    // every 2 s, so an API server back within the last 2 s of that deadline can find spotpack ready
    // while the scheduler has no retry left: alive when looked at, gone a moment later, with no one
    // to restart it (the likely cause of a CI failure in stop 25). So wait until the outcome is
    // settled: it exited, or it renewed its lease on the restarted API server and lives on.
    KubernetesClient client = api.client();
    apiPoll(Duration.ofSeconds(60), Duration.ofMillis(250))
        .until(() -> !api.processes().isAlive("kube-scheduler") || renewedSince(client, restarted));
    if (!api.processes().isAlive("kube-scheduler")) {
      SpotpackAndScheduler.startScheduler(
          bin, dir.resolve("scheduler.yaml"), "kube-scheduler", api.processes(), api.insecure());
    }

    // scheduling works again, within the caps: 8 executors, cap max(1, floor(0.25 x 8)) = 2 per
    // spot node
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("after").endMetadata().build())
        .create();
    for (int i = 1; i <= 4; i++) {
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName("after-spot-" + i)
                  .withLabels(Map.of("karpenter.sh/capacity-type", "spot", "e2e-scenario", "after"))
                  .endMetadata()
                  .withNewStatus()
                  .withAllocatable(
                      Map.of(
                          "cpu",
                          new Quantity("8"),
                          "memory",
                          new Quantity("32Gi"),
                          "pods",
                          new Quantity("110")))
                  .endStatus()
                  .build())
          .create();
    }
    for (int i = 1; i <= 8; i++) {
      client
          .pods()
          .inNamespace("after")
          .resource(
              FakeNodes.executor(
                  "e" + i,
                  "job-after",
                  "after",
                  Map.of("spotpack.dev/expected-executors", "8"),
                  Map.of(),
                  "spotpack-scheduler"))
          .create();
    }
    try {
      apiPoll(Duration.ofSeconds(90), Duration.ofMillis(250))
          .until(
              () ->
                  client.pods().inNamespace("after").list().getItems().stream()
                      .allMatch(p -> p.getSpec().getNodeName() != null));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "executors not all bound after the restart; kube-scheduler "
              + (api.processes().isAlive("kube-scheduler") ? "running" : "exited")
              + "; pods: "
              + FakeNodes.schedulingStatus(client, "after")
              + "\nits log ends:\n"
              + api.processes().tail("kube-scheduler", 30),
          e);
    }
    Map<String, Integer> perNode = FakeNodes.perNode(client, "after");
    assertThat(perNode.values()).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(2));
    assertThat(perNode.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(8);
  }
}
