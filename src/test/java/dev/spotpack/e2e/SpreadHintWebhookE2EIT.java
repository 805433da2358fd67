package dev.spotpack.e2e;

import static dev.spotpack.e2e.ApiPolls.apiPoll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spotpack.app.ExtenderApp;
import dev.spotpack.testing.TestCertificates;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    assumeTrue(
        TestCertificates.opensslAvailable(dir),
        "openssl is not installed: cannot make the webhook's certificate");
    String serverYaml = ShippedWebhook.serverYaml(dir);
    api = LocalControlPlane.startApiServer(bin.dir().get(), dir);
    Path config = dir.resolve("spotpack-webhook.yaml");
    Files.writeString(config, serverYaml);
    spotpack =
        ExtenderApp.create(
            new ExtenderApp.Options(
                config, new ExtenderApp.Source.Live(api.kubeconfig()), "127.0.0.1", 0, 0));
    spotpack.start();
    await().atMost(Duration.ofSeconds(60)).until(spotpack::ready);
    SpotpackAndScheduler.startScheduler(
        bin.dir().get(),
        SchedulerConfigFile.write(dir, "127.0.0.1:" + spotpack.extenderPort(), api.kubeconfig()),
        "kube-scheduler",
        api.processes(),
        api.insecure());
    ShippedWebhook.register(api.client(), spotpack, dir);
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
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("hint").endMetadata().build())
        .create();
    for (int i = 1; i <= 3; i++) {
      node(client, "hint-spot-" + i, "hint", Map.of("karpenter.sh/capacity-type", "spot"));
    }
    awaitWebhook(client, "hint");

    // 40 executors, cap max(1, floor(0.25 x 40)) = 10 per spot node; 3 spot nodes of 16 cpu hold 30
    for (int i = 1; i <= 40; i++) {
      client
          .pods()
          .inNamespace("hint")
          .resource(
              hintExecutor(
                  "e" + i, Map.of("spotpack.dev/expected-executors", "40"), "spotpack-scheduler"))
          .create();
    }
    Pod e1 = client.pods().inNamespace("hint").withName("e1").get();
    TopologySpreadConstraint hint = e1.getSpec().getTopologySpreadConstraints().get(0);
    assertThat(hint.getMaxSkew()).isEqualTo(10);
    assertThat(hint.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
    assertThat(hint.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
    assertThat(hint.getLabelSelector().getMatchLabels())
        .isEqualTo(Map.of("spark-app-selector", "job-hint", "spark-role", "executor"));
    assertThat(e1.getMetadata().getAnnotations())
        .containsEntry(
            "spotpack.dev/spread-hint",
            "maxSkew 10 = max(1, floor(0.25 x 40)) executors of job job-hint per node (profile"
                + " BALANCED)");

    apiPoll(Duration.ofSeconds(60), Duration.ofMillis(250))
        .until(() -> FakeNodes.bound(client, "hint").size() == 30);
    assertThat(FakeNodes.perNode(client, "hint"))
        .allSatisfy((node, count) -> assertThat(count).as(node).isEqualTo(10));
    Pod waiting =
        client.pods().inNamespace("hint").list().getItems().stream()
            .filter(p -> p.getSpec().getNodeName() == null)
            .findFirst()
            .orElseThrow();
    apiPoll(Duration.ofSeconds(30), Duration.ofMillis(100))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .pods()
                            .inNamespace("hint")
                            .withName(waiting.getMetadata().getName())
                            .get()
                            .getStatus()
                            .getConditions())
                    .anySatisfy(c -> assertThat(c.getMessage()).contains("spotpack")));

    // what an autoscaler does once its simulation sees the spread: one more spot node
    node(client, "hint-spot-4", "hint", Map.of("karpenter.sh/capacity-type", "spot"));
    apiPoll(Duration.ofSeconds(120), Duration.ofMillis(250))
        .until(() -> FakeNodes.bound(client, "hint").size() == 40);
    assertThat(FakeNodes.perNode(client, "hint"))
        .hasSize(4)
        .allSatisfy((node, count) -> assertThat(count).as(node).isEqualTo(10));
  }

  @Test
  void anExecutorWithoutADeclaredSizeIsAdmittedUnchanged() {
    KubernetesClient client = api.client();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("hint-nosize").endMetadata().build())
        .create();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                client
                        .pods()
                        .inNamespace("hint-nosize")
                        .resource(hintExecutor("x", Map.of(), "not-scheduled"))
                        .create()
                    != null);
    Pod x = client.pods().inNamespace("hint-nosize").withName("x").get();
    assertThat(x.getSpec().getTopologySpreadConstraints()).isEmpty();
    assertThat(x.getMetadata().getAnnotations()).doesNotContainKey("spotpack.dev/spread-hint");
  }

  /**
   * A spot pool of {@code type} in {@code zone} fills to the job's pool cap; the executors beyond
   * it are released from spotpack's gate with a node affinity that excludes that pool (what an
   * autoscaler simulates), wait, and are placed once a node of another pool is added. BALANCED, N =
   * 40: node cap C = max(1, floor(0.25 x 40)) = 10, pool cap P = max(10, floor(0.5 x 40)) = 20.
   * Pool m/z1 has three 16-cpu nodes (room for 30 by the node cap), so the pool cap binds first.
   */
  @Test
  void executorsBeyondThePoolCapAreReleasedExcludingThePoolAndLandInANewOne() {
    KubernetesClient client = api.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("pool").endMetadata().build())
        .create();
    for (int i = 1; i <= 3; i++) {
      node(
          client,
          "pool-a-" + i,
          "pool",
          Map.of(TYPE, "m", ZONE, "z1", "karpenter.sh/capacity-type", "spot"));
    }
    awaitWebhook(client, "pool");
    for (int i = 1; i <= 40; i++) {
      client
          .pods()
          .inNamespace("pool")
          .resource(
              FakeNodes.executor(
                  "p" + i,
                  "job-pool",
                  "pool",
                  Map.of("spotpack.dev/expected-executors", "40"),
                  Map.of("karpenter.sh/capacity-type", "spot"),
                  "spotpack-scheduler"))
          .create();
    }
    // Steady once every released executor still waiting has pool m/z1 excluded: those released
    // without the exclusion always find room in it (spotpack counts everything in flight against
    // the pool), so they are bound. The gate may exclude the pool before it is full (it counts
    // executors in flight as if all could land there), so fewer than 20 may be bound in it; and at
    // most P = 20 are in flight at once, so the rest stay gated.
    apiPoll(Duration.ofSeconds(90), Duration.ofMillis(250))
        .until(
            () -> {
              List<Pod> pods = client.pods().inNamespace("pool").list().getItems();
              List<Pod> waiting =
                  pods.stream()
                      .filter(p -> !gated(p) && p.getSpec().getNodeName() == null)
                      .toList();
              int bound =
                  (int) pods.stream().filter(p -> p.getSpec().getNodeName() != null).count();
              return bound > 0
                  && waiting.size() == Math.min(20, 40 - bound)
                  && waiting.stream().allMatch(SpreadHintWebhookE2EIT::excludesPoolA);
            });
    int inPoolA = FakeNodes.bound(client, "pool").size();
    assertThat(inPoolA).isBetween(1, 20);
    assertThat(FakeNodes.perNode(client, "pool").keySet())
        .allSatisfy(node -> assertThat(node).startsWith("pool-a"));
    assertThat(FakeNodes.perNode(client, "pool").values())
        .allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(10));
    List<Pod> waiting =
        client.pods().inNamespace("pool").list().getItems().stream()
            .filter(p -> !gated(p) && p.getSpec().getNodeName() == null)
            .toList();
    assertThat(waiting)
        .isNotEmpty()
        .allSatisfy(
            p -> {
              // what an autoscaler reads: no node of pool m/z1 (and no non-spot node, by the pod's
              // own selector)
              List<NodeSelectorTerm> terms =
                  p.getSpec()
                      .getAffinity()
                      .getNodeAffinity()
                      .getRequiredDuringSchedulingIgnoredDuringExecution()
                      .getNodeSelectorTerms();
              assertThat(terms.get(0).getMatchExpressions())
                  .extracting(e -> e.getKey() + " " + e.getOperator() + " " + e.getValues())
                  .containsExactly(TYPE + " In [m]", ZONE + " NotIn [z1]");
              assertThat(terms.get(1).getMatchExpressions())
                  .extracting(e -> e.getKey() + " " + e.getOperator() + " " + e.getValues())
                  .containsExactly(TYPE + " NotIn [m]");
            });

    // what an autoscaler does for them: nodes of another pool (the same type in another zone)
    node(
        client,
        "pool-b-1",
        "pool",
        Map.of(TYPE, "m", ZONE, "z2", "karpenter.sh/capacity-type", "spot"));
    node(
        client,
        "pool-b-2",
        "pool",
        Map.of(TYPE, "m", ZONE, "z2", "karpenter.sh/capacity-type", "spot"));
    apiPoll(Duration.ofSeconds(120), Duration.ofMillis(250))
        .until(() -> FakeNodes.bound(client, "pool").size() == 40);
    Map<String, Integer> perPool = new HashMap<>();
    FakeNodes.perNode(client, "pool")
        .forEach(
            (node, count) ->
                perPool.merge(node.startsWith("pool-a") ? "m/z1" : "m/z2", count, Integer::sum));
    // 40 executors, at most 20 per pool: exactly 20 in each; those still gated when m/z2 filled
    // were
    // released to m/z1 once it had room again
    assertThat(perPool).isEqualTo(Map.of("m/z1", 20, "m/z2", 20));
    assertThat(FakeNodes.perNode(client, "pool").values())
        .allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(10));
  }

  /**
   * Spot share s = 0.5 of N = 8: ceil(0.5 x 8) = 4 executors may use spot; the other four are
   * released pinned off spot (a NotIn per spot label), so an autoscaler launches on-demand capacity
   * for them, and they run on the on-demand node. Node cap max(1, floor(0.25 x 8)) = 2.
   */
  @Test
  void executorsBeyondTheSpotShareArePinnedOffSpot() {
    KubernetesClient client = api.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("share").endMetadata().build())
        .create();
    node(
        client,
        "share-spot-1",
        "share",
        Map.of(TYPE, "m", ZONE, "z1", "karpenter.sh/capacity-type", "spot"));
    node(
        client,
        "share-spot-2",
        "share",
        Map.of(TYPE, "m", ZONE, "z1", "karpenter.sh/capacity-type", "spot"));
    node(
        client,
        "share-od-1",
        "share",
        Map.of(TYPE, "m", ZONE, "z1", "karpenter.sh/capacity-type", "on-demand"));
    awaitWebhook(client, "share");
    for (int i = 1; i <= 8; i++) {
      // as docs/karpenter.md's executor template: spot preferred, not required
      Pod p =
          FakeNodes.executor(
              "s" + i,
              "job-share",
              "share",
              Map.of("spotpack.dev/expected-executors", "8", "spotpack.dev/max-spot-share", "0.5"),
              Map.of(),
              "spotpack-scheduler");
      p.getSpec()
          .setAffinity(
              new AffinityBuilder()
                  .withNewNodeAffinity()
                  .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                  .withWeight(100)
                  .withNewPreference()
                  .addNewMatchExpression()
                  .withKey("karpenter.sh/capacity-type")
                  .withOperator("In")
                  .withValues("spot")
                  .endMatchExpression()
                  .endPreference()
                  .endPreferredDuringSchedulingIgnoredDuringExecution()
                  .endNodeAffinity()
                  .build());
      client.pods().inNamespace("share").resource(p).create();
    }
    apiPoll(Duration.ofSeconds(90), Duration.ofMillis(250))
        .until(() -> FakeNodes.bound(client, "share").size() == 8);
    Map<String, Integer> perNode = FakeNodes.perNode(client, "share");
    // at most 4 on spot; usually exactly 4, but a burst can send an executor released for spot to
    // the
    // on-demand node (spotpack's filter counts binds in flight on every node they may land on)
    assertThat(perNode.getOrDefault("share-spot-1", 0) + perNode.getOrDefault("share-spot-2", 0))
        .isBetween(1, 4);
    int pinned = 0;
    for (Pod p : FakeNodes.bound(client, "share")) {
      boolean isPinned =
          p.getSpec()
                  .getAffinity()
                  .getNodeAffinity()
                  .getRequiredDuringSchedulingIgnoredDuringExecution()
              != null;
      if (isPinned) {
        pinned++;
        assertThat(p.getSpec().getNodeName()).as(p.getMetadata().getName()).isEqualTo("share-od-1");
        assertThat(p.getMetadata().getAnnotations().get("spotpack.dev/placement-hint"))
            .contains("spot share limit 4 = ceil(0.5 x 8): pinned off spot nodes");
      }
      assertThat(
              p.getSpec()
                  .getAffinity()
                  .getNodeAffinity()
                  .getPreferredDuringSchedulingIgnoredDuringExecution())
          .as("the pod's own preference is kept")
          .hasSize(1);
    }
    assertThat(pinned).isBetween(1, 4);
  }

  static boolean excludesPoolA(Pod p) {
    String hint = p.getMetadata().getAnnotations().get("spotpack.dev/placement-hint");
    return hint != null && hint.contains("spot pools excluded: m/z1");
  }

  static boolean gated(Pod p) {
    return p.getSpec().getSchedulingGates() != null && !p.getSpec().getSchedulingGates().isEmpty();
  }

  /** The API server may take a moment to pick up the new webhook configuration. */
  static void awaitWebhook(KubernetesClient client, String namespace) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> {
              Pod probe =
                  client
                      .pods()
                      .inNamespace(namespace)
                      .resource(
                          FakeNodes.executor(
                              "probe",
                              "job-probe",
                              namespace,
                              Map.of("spotpack.dev/expected-executors", "40"),
                              Map.of(),
                              "not-scheduled"))
                      .create();
              client.pods().inNamespace(namespace).withName("probe").withGracePeriod(0).delete();
              return !probe.getSpec().getTopologySpreadConstraints().isEmpty();
            });
    apiPoll(Duration.ofSeconds(30), Duration.ofMillis(200))
        .until(() -> client.pods().inNamespace(namespace).withName("probe").get() == null);
  }

  static final String TYPE = "node.kubernetes.io/instance-type";
  static final String ZONE = "topology.kubernetes.io/zone";

  /** An executor of job-hint for the spot nodes of scenario "hint". */
  static Pod hintExecutor(String name, Map<String, String> annotations, String scheduler) {
    return FakeNodes.executor(
        name,
        "job-hint",
        "hint",
        annotations,
        Map.of("karpenter.sh/capacity-type", "spot"),
        scheduler);
  }

  static void node(
      KubernetesClient client, String name, String scenario, Map<String, String> extraLabels) {
    Map<String, String> labels = new HashMap<>(extraLabels);
    labels.put("e2e-scenario", scenario);
    labels.put("kubernetes.io/hostname", name);
    FakeNodes.create(client, name, labels);
  }
}
