package dev.spotpack.e2e;

import static dev.spotpack.e2e.ApiPolls.apiPoll;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The e2e scenarios, run against every backend: each asserts where the real kube-scheduler, with
 * the shipped scheduler-config and spotpack, bound pods, or which events it wrote.
 *
 * <p>Each scenario has its own namespace and its own fake nodes, labelled {@code e2e-scenario}; its
 * pods select those nodes with a nodeSelector, so scenarios never see each other's nodes.
 */
abstract class SchedulingScenarios {
  static final String SCHEDULER = "spotpack-scheduler";
  static final Duration PLACEMENT = Duration.ofSeconds(60);
  private static final AtomicInteger SEQ = new AtomicInteger();

  abstract ClusterUnderTest cluster();

  KubernetesClient client() {
    return cluster().client();
  }

  /** A namespace and a scenario label unique to this test. */
  record Scenario(String name) {
    String namespace() {
      return name;
    }
  }

  Scenario scenario(String base) {
    Scenario s = new Scenario(base + "-" + SEQ.incrementAndGet());
    client()
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(s.namespace()).endMetadata().build())
        .create();
    return s;
  }

  void node(Scenario s, String name, String capacityType, String cpu, String memory) {
    Node node =
        new NodeBuilder()
            .withNewMetadata()
            .withName(s.name() + "-" + name)
            .withLabels(
                Map.of(
                    "karpenter.sh/capacity-type",
                    capacityType,
                    "e2e-scenario",
                    s.name(),
                    "kubernetes.io/hostname",
                    s.name() + "-" + name))
            .endMetadata()
            .withNewStatus()
            .withCapacity(
                Map.of(
                    "cpu",
                    new Quantity(cpu),
                    "memory",
                    new Quantity(memory),
                    "pods",
                    new Quantity("110")))
            .withAllocatable(
                Map.of(
                    "cpu",
                    new Quantity(cpu),
                    "memory",
                    new Quantity(memory),
                    "pods",
                    new Quantity("110")))
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    client().nodes().resource(node).create();
  }

  /** 4 spot nodes of 8 cpu (room for 8 executors each) and one on-demand node of 4 cpu. */
  void fourSpotNodesAndASmallOnDemandOne(Scenario s) {
    for (int i = 1; i <= 4; i++) {
      node(s, "spot-" + i, "spot", "8", "32Gi");
    }
    node(s, "od-1", "on-demand", "4", "16Gi");
  }

  Pod pod(
      Scenario s,
      String name,
      Map<String, String> labels,
      Map<String, String> annotations,
      String cpu,
      @Nullable String schedulerName,
      @Nullable String nodeName) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(s.namespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withSchedulerName(schedulerName)
        .withNodeName(nodeName)
        .withNodeSelector(Map.of("e2e-scenario", s.name()))
        .withTerminationGracePeriodSeconds(0L)
        // Fake nodes have no kubelet: where controllers run (kind) they get not-ready taints.
        .addNewToleration()
        .withKey("node.kubernetes.io/not-ready")
        .withOperator("Exists")
        .endToleration()
        .addNewToleration()
        .withKey("node.kubernetes.io/unreachable")
        .withOperator("Exists")
        .endToleration()
        .addNewContainer()
        .withName("main")
        .withImage("example/executor:1")
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity("1Gi")))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }

  static Map<String, String> executorLabels(String job) {
    return Map.of("spark-app-selector", job, "spark-role", "executor");
  }

  List<Pod> createExecutors(
      Scenario s, String job, int from, int to, Map<String, String> annotations) {
    List<Pod> pods = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      pods.add(
          client()
              .pods()
              .inNamespace(s.namespace())
              .resource(
                  pod(
                      s,
                      job + "-exec-" + i,
                      executorLabels(job),
                      annotations,
                      "1",
                      SCHEDULER,
                      null))
              .create());
    }
    return pods;
  }

  /**
   * Waits until every pod of the namespace that is not in {@code except} is bound; node → count.
   */
  Map<String, Long> awaitAllBound(Scenario s, int expected) {
    apiPoll(PLACEMENT, Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              List<Pod> pods = client().pods().inNamespace(s.namespace()).list().getItems();
              assertThat(pods).hasSize(expected);
              assertThat(pods)
                  .allSatisfy(
                      p ->
                          assertThat(p.getSpec().getNodeName())
                              .as("pod %s bound", p.getMetadata().getName())
                              .isNotNull());
            });
    return client().pods().inNamespace(s.namespace()).list().getItems().stream()
        .collect(
            Collectors.groupingBy(
                p -> p.getSpec().getNodeName().substring(s.name().length() + 1),
                Collectors.counting()));
  }

  String boundNode(Scenario s, String pod) {
    apiPoll(PLACEMENT, Duration.ofMillis(250))
        .until(
            () -> {
              Pod p = client().pods().inNamespace(s.namespace()).withName(pod).get();
              return p != null && p.getSpec().getNodeName() != null;
            });
    return client()
        .pods()
        .inNamespace(s.namespace())
        .withName(pod)
        .get()
        .getSpec()
        .getNodeName()
        .substring(s.name().length() + 1);
  }

  @Test
  void binPackingPutsAPodOnTheFullerNodeThatStillFits() {
    Scenario s = scenario("binpack");
    node(s, "od-a", "on-demand", "4", "16Gi");
    node(s, "od-b", "on-demand", "4", "16Gi");
    client()
        .pods()
        .inNamespace(s.namespace())
        .resource(pod(s, "already-there", Map.of(), Map.of(), "2", SCHEDULER, s.name() + "-od-b"))
        .create();
    client()
        .pods()
        .inNamespace(s.namespace())
        .resource(pod(s, "web", Map.of("app", "web"), Map.of(), "1", SCHEDULER, null))
        .create();
    assertThat(boundNode(s, "web")).isEqualTo("od-b");
  }

  @Test
  void capsOneJobTo3ExecutorsPerSpotNodeOutOf12() {
    Scenario s = scenario("caps");
    fourSpotNodesAndASmallOnDemandOne(s);
    // C = max(1, floor(0.25 x 12)) = 3; bin-packing alone would stack 8 per spot node
    createExecutors(
        s,
        "job-caps",
        1,
        12,
        Map.of(
            "spotpack.dev/max-spot-fraction-per-node",
            "0.25",
            "spotpack.dev/expected-executors",
            "12"));
    Map<String, Long> perNode = awaitAllBound(s, 12);
    perNode.forEach(
        (node, count) -> {
          if (node.startsWith("spot-")) {
            assertThat(count).as("executors on %s", node).isLessThanOrEqualTo(3);
          }
        });
    assertThat(perNode.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(12);
  }

  @Test
  void capsTheJobsSpotShareAtHalf() {
    Scenario s = scenario("share");
    node(s, "spot-1", "spot", "8", "32Gi");
    node(s, "spot-2", "spot", "8", "32Gi");
    node(s, "od-1", "on-demand", "8", "32Gi");
    node(s, "od-2", "on-demand", "8", "32Gi");
    // s = 0.5: at most ceil(0.5 x 12) = 6 on spot; f = 1 so that only the share binds
    createExecutors(
        s,
        "job-share",
        1,
        12,
        Map.of(
            "spotpack.dev/max-spot-share",
            "0.5",
            "spotpack.dev/max-spot-fraction-per-node",
            "1",
            "spotpack.dev/expected-executors",
            "12"));
    Map<String, Long> perNode = awaitAllBound(s, 12);
    long onSpot =
        perNode.entrySet().stream()
            .filter(e -> e.getKey().startsWith("spot-"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    assertThat(onSpot).isLessThanOrEqualTo(6);
  }

  @Test
  void aDriverNeverLandsOnASpotNode() {
    Scenario s = scenario("driver");
    node(s, "spot-1", "spot", "8", "32Gi");
    node(s, "od-1", "on-demand", "8", "32Gi");
    // the spot node is fuller, so bin-packing alone would choose it
    client()
        .pods()
        .inNamespace(s.namespace())
        .resource(pod(s, "filler", Map.of(), Map.of(), "4", SCHEDULER, s.name() + "-spot-1"))
        .create();
    client()
        .pods()
        .inNamespace(s.namespace())
        .resource(
            pod(
                s,
                "driver",
                Map.of("spark-app-selector", "job-d", "spark-role", "driver"),
                Map.of(),
                "1",
                SCHEDULER,
                null))
        .create();
    assertThat(boundNode(s, "driver")).isEqualTo("od-1");
  }

  @Test
  void aBadAnnotationLeavesThePodPendingWithAReadableEvent() {
    Scenario s = scenario("badannotation");
    node(s, "od-1", "on-demand", "8", "32Gi");
    client()
        .pods()
        .inNamespace(s.namespace())
        .resource(
            pod(
                s,
                "bad",
                executorLabels("job-bad"),
                Map.of("spotpack.dev/max-spot-share", "abc"),
                "1",
                SCHEDULER,
                null))
        .create();
    apiPoll(PLACEMENT, Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              List<String> messages =
                  client().v1().events().inNamespace(s.namespace()).list().getItems().stream()
                      .filter(
                          e ->
                              "bad".equals(e.getInvolvedObject().getName())
                                  && "FailedScheduling".equals(e.getReason()))
                      .map(e -> e.getMessage())
                      .toList();
              assertThat(messages)
                  .anySatisfy(
                      m ->
                          assertThat(m)
                              .contains(
                                  "annotation spotpack.dev/max-spot-share=\"abc\" is invalid:"
                                      + " expected a decimal number from 0 to 1"));
            });
    assertThat(
            client()
                .pods()
                .inNamespace(s.namespace())
                .withName("bad")
                .get()
                .getSpec()
                .getNodeName())
        .isNull();
  }

  @Test
  void afterASpotReclaimRecreatedExecutorsArePlacedWithinTheCaps() {
    Scenario s = scenario("reclaim");
    fourSpotNodesAndASmallOnDemandOne(s);
    Map<String, String> annotations = Map.of("spotpack.dev/expected-executors", "12");
    createExecutors(s, "job-r", 1, 12, annotations);
    Map<String, Long> before = awaitAllBound(s, 12);
    assertThat(before.getOrDefault("spot-1", 0L)).isLessThanOrEqualTo(3);

    // spot-1 is reclaimed: the node goes, and (no kubelet, no pod GC here) we delete its pods
    List<Pod> lost =
        client().pods().inNamespace(s.namespace()).list().getItems().stream()
            .filter(p -> (s.name() + "-spot-1").equals(p.getSpec().getNodeName()))
            .toList();
    client().nodes().withName(s.name() + "-spot-1").delete();
    lost.forEach(
        p ->
            client()
                .pods()
                .inNamespace(s.namespace())
                .withName(p.getMetadata().getName())
                .withGracePeriod(0)
                .delete());
    apiPoll(PLACEMENT, Duration.ofMillis(100))
        .until(
            () ->
                client().pods().inNamespace(s.namespace()).list().getItems().size()
                    == 12 - lost.size());
    // Spark asks for replacements
    createExecutors(s, "job-r", 101, 100 + lost.size(), annotations);

    Map<String, Long> after = awaitAllBound(s, 12);
    assertThat(after).doesNotContainKey("spot-1");
    after.forEach(
        (node, count) -> {
          if (node.startsWith("spot-")) {
            assertThat(count).as("executors on %s after the reclaim", node).isLessThanOrEqualTo(3);
          }
        });
  }

  @Test
  void aPodWithoutAJobLabelSchedulesNormallyAndDefaultSchedulerPodsAreNotOurs() {
    Scenario s = scenario("plain");
    node(s, "spot-1", "spot", "8", "32Gi");
    client()
        .pods()
        .inNamespace(s.namespace())
        .resource(pod(s, "not-ours", Map.of("app", "x"), Map.of(), "1", null, null))
        .create();
    client()
        .pods()
        .inNamespace(s.namespace())
        .resource(pod(s, "plain", Map.of("app", "plain"), Map.of(), "1", SCHEDULER, null))
        .create();
    // no job label: no spot rule, so it may use the spot node
    assertThat(boundNode(s, "plain")).isEqualTo("spot-1");
    // spotpack is only ever called by the spotpack-scheduler profile, which leaves pods of other
    // schedulers alone: no event of ours about it (on kind the default scheduler may bind it; on
    // the local plane no default scheduler runs and it stays pending)
    Pod notOurs = client().pods().inNamespace(s.namespace()).withName("not-ours").get();
    assertThat(notOurs.getSpec().getSchedulerName()).isEqualTo("default-scheduler");
    assertThat(client().v1().events().inNamespace(s.namespace()).list().getItems())
        .filteredOn(e -> "not-ours".equals(e.getInvolvedObject().getName()))
        .noneMatch(
            e ->
                SCHEDULER.equals(e.getReportingComponent())
                    || (e.getSource() != null && SCHEDULER.equals(e.getSource().getComponent())));
    // and the plain pod's Scheduled event does come from ours, so the check above can fail
    apiPoll(PLACEMENT, Duration.ofMillis(100))
        .untilAsserted(
            () ->
                assertThat(client().v1().events().inNamespace(s.namespace()).list().getItems())
                    .filteredOn(
                        e ->
                            "plain".equals(e.getInvolvedObject().getName())
                                && "Scheduled".equals(e.getReason()))
                    .anyMatch(
                        e ->
                            SCHEDULER.equals(e.getReportingComponent())
                                || (e.getSource() != null
                                    && SCHEDULER.equals(e.getSource().getComponent()))));
  }

  /**
   * Every object in {@code manifests/} passes the API server's validation and admission: a
   * server-side dry-run apply with strict field validation, so a misspelt field fails here.
   */
  @Test
  void theShippedManifestsAreAcceptedByTheApiServer() throws Exception {
    List<Path> files;
    try (var stream = Files.list(Path.of("manifests"))) {
      files =
          new ArrayList<>(
              stream
                  .filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml"))
                  .sorted()
                  .toList());
    }
    // the webhook overlay's own objects (its certificate.yaml needs cert-manager's CRDs, absent
    // here)
    files.add(Path.of("manifests/webhook/webhook.yaml"));
    assertThat(files).isNotEmpty();
    int objects = 0;
    for (Path file : files) {
      try (var in = Files.newInputStream(file)) {
        for (var item : client().load(in).items()) {
          var applied =
              client()
                  .resource(item)
                  .dryRun()
                  .fieldValidation(FieldValidateable.Validation.STRICT)
                  .fieldManager("spotpack-e2e")
                  .forceConflicts()
                  .serverSideApply();
          assertThat(applied)
              .as("%s %s in %s", item.getKind(), item.getMetadata().getName(), file)
              .isNotNull();
          objects++;
        }
      }
    }
    // namespace 1, rbac 8, configmaps 2, deployment + PDB + Service 3, webhook Service +
    // configuration
    // + the placement gate's ClusterRole and binding 4
    assertThat(objects).isEqualTo(18);
  }
}
