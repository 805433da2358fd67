package dev.spotpack.e2e;

import static dev.spotpack.e2e.ApiPolls.apiPoll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spotpack.app.ExtenderApp;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * spotpack is restarted in the middle of a burst of executors: the new process knows nothing but
 * what it lists from the API server, and the caps must still hold once every executor is placed.
 * kube-scheduler keeps running; while spotpack is down its calls fail and the pods are retried.
 */
class SpotpackRestartE2EIT {
  static LocalControlPlane.ApiServer api;
  static ExtenderApp spotpack;
  static int extenderPort;

  @BeforeAll
  static void start() throws Exception {
    KubeBinaries.Found bin = KubeBinaries.locate();
    assumeTrue(bin.dir().isPresent(), () -> "local control plane unavailable: " + bin.reason());
    Path dir =
        Path.of("target/e2e/spotpack-restart-" + System.currentTimeMillis()).toAbsolutePath();
    api = LocalControlPlane.startApiServer(bin.dir().get(), dir);
    extenderPort = Processes.freePort();
    spotpack = startSpotpack();
    Path config = SchedulerConfigFile.write(dir, "127.0.0.1:" + extenderPort, api.kubeconfig());
    SpotpackAndScheduler.startScheduler(
        bin.dir().get(), config, "kube-scheduler", api.processes(), api.insecure());
  }

  static ExtenderApp startSpotpack() throws Exception {
    ExtenderApp app =
        ExtenderApp.create(
            new ExtenderApp.Options(
                null, new ExtenderApp.Source.Live(api.kubeconfig()), "127.0.0.1", extenderPort, 0));
    app.start();
    await().atMost(Duration.ofSeconds(60)).until(app::ready);
    return app;
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

  @Test
  void capsHoldAcrossARestartInTheMiddleOfABurst() throws Exception {
    KubernetesClient client = api.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("burst").endMetadata().build())
        .create();
    for (int i = 1; i <= 4; i++) {
      node(client, "burst-spot-" + i, "spot", "16");
    }
    node(client, "burst-od-1", "on-demand", "32");
    // 40 executors, cap max(1, floor(0.25 x 40)) = 10 per spot node; bin-packing alone would put 16
    // on one.
    // The first 20 are created, spotpack is stopped once 8 are bound, and the other 20 are created
    // while it is down: the restart falls inside the burst however fast the scheduler binds.
    for (int i = 1; i <= 20; i++) {
      executor(client, i);
    }
    apiPoll(Duration.ofSeconds(60), Duration.ofMillis(20))
        .until(() -> FakeNodes.bound(client, "burst").size() >= 8);

    spotpack.stop();
    int boundAtRestart = FakeNodes.bound(client, "burst").size();
    assertThat(boundAtRestart).as("bound when spotpack stopped").isBetween(8, 20);
    for (int i = 21; i <= 40; i++) {
      executor(client, i);
    }
    spotpack = startSpotpack();

    apiPoll(Duration.ofSeconds(120), Duration.ofMillis(250))
        .until(() -> FakeNodes.bound(client, "burst").size() == 40);
    FakeNodes.perNode(client, "burst")
        .forEach(
            (node, count) -> {
              if (node.contains("-spot-")) {
                assertThat(count).as("executors on %s", node).isLessThanOrEqualTo(10);
              }
            });
  }

  static void executor(KubernetesClient client, int i) {
    client
        .pods()
        .inNamespace("burst")
        .resource(
            FakeNodes.executor(
                "e" + i,
                "job-burst",
                "burst",
                Map.of("spotpack.dev/expected-executors", "40"),
                Map.of(),
                "spotpack-scheduler"))
        .create();
  }

  static void node(KubernetesClient client, String name, String capacityType, String cpu) {
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(
                    Map.of("karpenter.sh/capacity-type", capacityType, "e2e-scenario", "burst"))
                .endMetadata()
                .withNewStatus()
                .withAllocatable(
                    Map.of(
                        "cpu",
                        new Quantity(cpu),
                        "memory",
                        new Quantity("64Gi"),
                        "pods",
                        new Quantity("110")))
                .endStatus()
                .build())
        .create();
  }
}
