package dev.spotpack.e2e;

import static dev.spotpack.e2e.ApiPolls.apiPoll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spotpack.app.ExtenderApp;
import dev.spotpack.testing.TestCertificates;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code manifests/webhook/webhook.yaml} registered with a real kube-apiserver (only
 * its clientConfig pointed at this JVM's spotpack over HTTPS): executors get the hostname spread
 * constraint as they are created, kube-scheduler accepts and schedules them with spotpack in the
 * loop, the caps hold, and the executors the caps keep waiting are placed once a node is added, as
 * an autoscaler would add one.
 */
class SpreadHintWebhookE2EIT {
  static LocalControlPlane.ApiServer api;
  static ExtenderApp spotpack;

  @BeforeAll
  static void start() throws Exception {
    KubeBinaries.Found bin = KubeBinaries.locate();
    assumeTrue(bin.dir().isPresent(), () -> "local control plane unavailable: " + bin.reason());
    Path dir = Path.of("target/e2e/spread-hint-" + System.currentTimeMillis()).toAbsolutePath();
    Files.createDirectories(dir);
    assumeTrue(TestCertificates.opensslAvailable(dir), "openssl is not installed: cannot make the webhook's certificate");
    TestCertificates.make(dir);
    api = LocalControlPlane.startApiServer(bin.dir().get(), dir);
    Path config = dir.resolve("spotpack-webhook.yaml");
    Files.writeString(config, "server:\n  webhook:\n    port: 0\n    certFile: " + dir.resolve("server.crt")
        + "\n    keyFile: " + dir.resolve("server.key") + "\n");
    spotpack = ExtenderApp.create(new ExtenderApp.Options(config, new ExtenderApp.Source.Live(api.kubeconfig()),
        "127.0.0.1", 0, 0));
    spotpack.start();
    await().atMost(Duration.ofSeconds(60)).until(spotpack::ready);
    SpotpackAndScheduler.startScheduler(bin.dir().get(),
        SchedulerConfigFile.write(dir, "127.0.0.1:" + spotpack.extenderPort(), api.kubeconfig()),
        "kube-scheduler", api.processes(), api.insecure());
    registerShippedWebhook(api.client(), "https://127.0.0.1:" + spotpack.webhookPort() + "/webhook/spread-hint",
        Files.readAllBytes(dir.resolve("ca.crt")));
  }

  /** The shipped configuration, with the in-cluster Service replaced by this test's URL and CA. */
  static void registerShippedWebhook(KubernetesClient client, String url, byte[] caPem) throws Exception {
    List<MutatingWebhookConfiguration> shipped;
    try (var in = Files.newInputStream(Path.of("manifests/webhook/webhook.yaml"))) {
      shipped = client.load(in).items().stream().filter(MutatingWebhookConfiguration.class::isInstance)
          .map(MutatingWebhookConfiguration.class::cast).toList();
    }
    assertThat(shipped).hasSize(1);
    MutatingWebhookConfiguration config = shipped.get(0);
    config.getWebhooks().forEach(w -> w.setClientConfig(new WebhookClientConfigBuilder()
        .withUrl(url).withCaBundle(Base64.getEncoder().encodeToString(caPem)).build()));
    // a failed call must fail the test, not be ignored as in production
    config.getWebhooks().forEach(w -> w.setFailurePolicy("Fail"));
    client.resource(config).create();
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
  void executorsCarryTheirCapAsAHostnameSpreadAndTheCapsHold() {
    KubernetesClient client = api.client();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("hint").endMetadata().build()).create();
    for (int i = 1; i <= 3; i++) {
      node(client, "hint-spot-" + i);
    }
    // the API server may take a moment to pick up the new webhook configuration
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
      Pod probe = client.pods().inNamespace("hint").resource(executor("probe", Map.of("spotpack.dev/expected-executors", "40"),
          "not-scheduled")).create();
      client.pods().inNamespace("hint").withName("probe").withGracePeriod(0).delete();
      return !probe.getSpec().getTopologySpreadConstraints().isEmpty();
    });

    // 40 executors, cap max(1, floor(0.25 x 40)) = 10 per spot node; 3 spot nodes of 16 cpu hold 30
    for (int i = 1; i <= 40; i++) {
      client.pods().inNamespace("hint").resource(executor("e" + i, Map.of("spotpack.dev/expected-executors", "40"),
          "spotpack-scheduler")).create();
    }
    Pod e1 = client.pods().inNamespace("hint").withName("e1").get();
    TopologySpreadConstraint hint = e1.getSpec().getTopologySpreadConstraints().get(0);
    assertThat(hint.getMaxSkew()).isEqualTo(10);
    assertThat(hint.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
    assertThat(hint.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
    assertThat(hint.getLabelSelector().getMatchLabels())
        .isEqualTo(Map.of("spark-app-selector", "job-hint", "spark-role", "executor"));
    assertThat(e1.getMetadata().getAnnotations()).containsEntry("spotpack.dev/spread-hint",
        "maxSkew 10 = max(1, floor(0.25 x 40)) executors of job job-hint per node (profile BALANCED)");

    apiPoll(Duration.ofSeconds(60), Duration.ofMillis(250)).until(() -> bound(client).size() == 30);
    assertThat(perNode(client)).allSatisfy((node, count) -> assertThat(count).as(node).isEqualTo(10));
    Pod waiting = client.pods().inNamespace("hint").list().getItems().stream()
        .filter(p -> p.getSpec().getNodeName() == null).findFirst().orElseThrow();
    apiPoll(Duration.ofSeconds(30), Duration.ofMillis(100)).untilAsserted(() -> assertThat(
        client.pods().inNamespace("hint").withName(waiting.getMetadata().getName()).get().getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getMessage()).contains("spotpack")));

    // what an autoscaler does once its simulation sees the spread: one more spot node
    node(client, "hint-spot-4");
    apiPoll(Duration.ofSeconds(120), Duration.ofMillis(250)).until(() -> bound(client).size() == 40);
    assertThat(perNode(client)).hasSize(4).allSatisfy((node, count) -> assertThat(count).as(node).isEqualTo(10));
  }

  @Test
  void anExecutorWithoutADeclaredSizeIsAdmittedUnchanged() {
    KubernetesClient client = api.client();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("hint-nosize").endMetadata().build())
        .create();
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
        client.pods().inNamespace("hint-nosize").resource(executor("x", Map.of(), "not-scheduled")).create() != null);
    Pod x = client.pods().inNamespace("hint-nosize").withName("x").get();
    assertThat(x.getSpec().getTopologySpreadConstraints()).isEmpty();
    assertThat(x.getMetadata().getAnnotations()).doesNotContainKey("spotpack.dev/spread-hint");
  }

  static Pod executor(String name, Map<String, String> annotations, String scheduler) {
    return new PodBuilder().withNewMetadata().withName(name)
        .withLabels(Map.of("spark-app-selector", "job-hint", "spark-role", "executor"))
        .withAnnotations(annotations).endMetadata()
        .withNewSpec().withSchedulerName(scheduler).withTerminationGracePeriodSeconds(0L)
        .withNodeSelector(Map.of("karpenter.sh/capacity-type", "spot", "e2e-scenario", "hint"))
        .addNewContainer().withName("c").withImage("x").withNewResources()
        .withRequests(Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi"))).endResources().endContainer()
        .endSpec().build();
  }

  static List<Pod> bound(KubernetesClient client) {
    return client.pods().inNamespace("hint").list().getItems().stream()
        .filter(p -> p.getSpec().getNodeName() != null).toList();
  }

  static Map<String, Integer> perNode(KubernetesClient client) {
    Map<String, Integer> perNode = new HashMap<>();
    bound(client).forEach(p -> perNode.merge(p.getSpec().getNodeName(), 1, Integer::sum));
    return perNode;
  }

  static void node(KubernetesClient client, String name) {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
        .withLabels(Map.of("karpenter.sh/capacity-type", "spot", "e2e-scenario", "hint", "kubernetes.io/hostname", name))
        .endMetadata()
        .withNewStatus().withAllocatable(Map.of("cpu", new Quantity("16"), "memory", new Quantity("64Gi"),
            "pods", new Quantity("110")))
        .endStatus().build()).create();
  }
}
