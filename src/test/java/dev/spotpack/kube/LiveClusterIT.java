package dev.spotpack.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spotpack.app.ExtenderApp;
import dev.spotpack.testing.ExtenderHttp;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code serve} against fabric8's mock API server in CRUD mode: informer sync and readiness, the
 * binding POST with the pod's UID, API errors, and the state following pod and node events. The
 * mock does not implement the binding subresource (it answers 409 to any binding POST), so each
 * test answers that path itself and, where a test needs the API server's effect, sets the pod's
 * nodeName as the real API server would.
 */
@EnableKubernetesMockClient(crud = true)
class LiveClusterIT {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String JOB = "spark-abc";

  KubernetesMockServer server;
  KubernetesClient client;
  ExtenderApp app;
  @TempDir Path dir;
  final List<String> bindingBodies = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    client.nodes().resource(node("spot-a", "spot")).create();
    client.nodes().resource(node("spot-b", "spot")).create();
    client.nodes().resource(node("od-1", "on-demand")).create();
    for (int i = 1; i <= 3; i++) {
      client.pods().inNamespace("spark").resource(executor("e" + i, "spot-a", "Running")).create();
    }
    client.pods().inNamespace("spark").resource(executor("done", "spot-b", "Succeeded")).create();
    app = startApp(dir, kubeconfig(dir, client.getConfiguration().getMasterUrl()), "");
    await().atMost(Duration.ofSeconds(20)).until(app::ready);
    awaitWatches();
  }

  /**
   * Waits until both informers' watches deliver events. Ready means listed; each watch starts just
   * after its list, and fabric8's mock server, unlike a real API server, does not replay what
   * changed in between from the list's resourceVersion: a change a test makes in that gap never
   * arrives, and the test waiting for it fails (one run in three or four on a slow machine, at stop
   * 32, in whichever test was first to change something). A probe node and a probe pod, made after
   * readiness, are touched until spotpack has seen each through its watch, then removed.
   */
  void awaitWatches() throws Exception {
    client.nodes().resource(probeNode()).create();
    client.pods().inNamespace("spark").resource(probePod()).create();
    // the pod's job lists its node as spot once both the pod and the node came through
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> seenOrTouched(probeOnSpot() == Boolean.TRUE));
    client.nodes().withName(PROBE).delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> probeOnSpot() == Boolean.FALSE);
    client.pods().inNamespace("spark").withName(PROBE).delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> probeOnSpot() == null);
  }

  private static final String PROBE = "watch-probe";
  private int probeTouches;

  /**
   * True once seen; until then the probe node and pod are changed again, so that live watches
   * deliver them.
   */
  private boolean seenOrTouched(boolean seen) {
    if (!seen) {
      String touch = Integer.toString(++probeTouches);
      client.nodes().withName(PROBE).edit(n -> touched(n, touch));
      client.pods().inNamespace("spark").withName(PROBE).edit(p -> touched(p, touch));
    }
    return seen;
  }

  private static <T extends HasMetadata> T touched(T object, String touch) {
    Map<String, String> annotations = new HashMap<>();
    if (object.getMetadata().getAnnotations() != null) {
      annotations.putAll(object.getMetadata().getAnnotations());
    }
    annotations.put("spotpack.test/probe", touch);
    object.getMetadata().setAnnotations(annotations);
    return object;
  }

  /**
   * Whether /debug/jobs shows the probe job's executor on a spot node (false: on a node it does not
   * know as spot), or null while it shows no probe job.
   */
  private Boolean probeOnSpot() throws Exception {
    for (JsonNode j : JSON.readTree(get("/debug/jobs").body()).path("jobs")) {
      if (PROBE.equals(text(j.path("job")))) {
        for (JsonNode n : j.path("nodes")) {
          if (PROBE.equals(text(n.path("node")))) {
            return n.path("spot").asBoolean(false);
          }
        }
      }
    }
    return null;
  }

  /** A spot node with pool labels, so that it changes no count of nodes without them. */
  private static Node probeNode() {
    Node node = node(PROBE, "spot");
    node.getMetadata()
        .setLabels(
            Map.of(
                "karpenter.sh/capacity-type", "spot",
                "node.kubernetes.io/instance-type", "probe",
                "topology.kubernetes.io/zone", "probe"));
    return node;
  }

  private static Pod probePod() {
    Pod pod = executor(PROBE, PROBE, "Running");
    pod.getMetadata().setLabels(Map.of("spark-app-selector", PROBE, "spark-role", "executor"));
    return pod;
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.stop();
    }
  }

  /** Starts {@code serve} on loopback, live against the API server of {@code kubeconfig}. */
  static ExtenderApp startApp(Path dir, Path kubeconfig, String extraConfig) throws Exception {
    Path config = dir.resolve("spotpack-" + System.nanoTime() + ".yaml");
    Files.writeString(config, "cluster:\n  bindTimeoutMillis: 500\n" + extraConfig);
    ExtenderApp a =
        ExtenderApp.create(
            new ExtenderApp.Options(
                config, new ExtenderApp.Source.Live(kubeconfig), "127.0.0.1", 0, 0));
    a.start();
    return a;
  }

  static Path kubeconfig(Path dir, String masterUrl) throws Exception {
    Path file = dir.resolve("kubeconfig-" + System.nanoTime());
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        contexts:
        - name: mock
          context: {cluster: mock, user: test, namespace: default}
        current-context: mock
        users:
        - name: test
          user: {token: test-token}
        """
            .formatted(masterUrl));
    return file;
  }

  static Node node(String name, String capacityType) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(Map.of("karpenter.sh/capacity-type", capacityType))
        .endMetadata()
        .withNewStatus()
        .withAllocatable(Map.of("cpu", new Quantity("16"), "memory", new Quantity("64Gi")))
        .endStatus()
        .build();
  }

  static Pod executor(String name, String nodeName, String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("spark")
        .withLabels(Map.of("spark-app-selector", JOB, "spark-role", "executor"))
        .withAnnotations(Map.of("spotpack.dev/expected-executors", "12"))
        .endMetadata()
        .withNewSpec()
        .withNodeName(nodeName)
        .withSchedulerName("spotpack-scheduler")
        .addNewContainer()
        .withName("executor")
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("2"), "memory", new Quantity("8Gi")))
        .endResources()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }

  HttpResponse<String> post(String verb, String body) throws Exception {
    return ExtenderHttp.post(app, verb, body);
  }

  HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.managementPort() + path))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode filter(Pod pod) throws Exception {
    String podJson = client.getKubernetesSerialization().asJson(pod);
    return JSON.readTree(
        post(
                "filter",
                "{\"Pod\":"
                    + podJson
                    + ",\"Nodes\":null,\"NodeNames\":[\"spot-a\",\"spot-b\",\"od-1\"]}")
            .body());
  }

  JsonNode job() throws Exception {
    for (JsonNode j : JSON.readTree(get("/debug/jobs").body()).path("jobs")) {
      if (JOB.equals(text(j.path("job")))) {
        return j;
      }
    }
    return JSON.readTree("{\"executors\":0,\"executorsOnSpot\":0,\"pending\":0,\"nodes\":[]}");
  }

  /**
   * A count of the job's as /debug/jobs shows it, or -1 while it is missing. Polls read through
   * this and {@link #text}, never through a getter that throws: awaitility retries only a false
   * condition or an AssertionError, and any other exception ends the poll before the informer has
   * caught up (issue 18).
   */
  int jobCount(String field) throws Exception {
    JsonNode value = job().path(field);
    return value.isNumber() ? value.intValue() : -1;
  }

  /**
   * The string at a node, or null where there is none (a missing field is not an error mid-poll).
   */
  static String text(JsonNode node) {
    return node.isString() ? node.stringValue() : null;
  }

  void answerBinding(String pod, int status, Object body) {
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/spark/pods/" + pod + "/binding")
        .andReply(
            status,
            request -> {
              bindingBodies.add(request.getBody().readUtf8());
              return body;
            })
        .always();
  }

  Pod createPending(String name) {
    return client.pods().inNamespace("spark").resource(executor(name, null, "Pending")).create();
  }

  @Test
  void syncsAndDecidesOnTheInformerView() throws Exception {
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(get("/metrics").body())
        .contains("spotpack_informer_lists_total{resource=\"pods\"}")
        .contains("spotpack_informer_lists_total{resource=\"nodes\"}");
    JsonNode job = job();
    // 3 running executors on spot-a; the Succeeded one on spot-b does not count
    assertThat(job.get("executors").intValue()).isEqualTo(3);
    assertThat(job.get("executorsOnSpot").intValue()).isEqualTo(3);
    assertThat(job.get("jobSize").intValue()).isEqualTo(12);
    assertThat(job.get("perNodeCap").intValue()).isEqualTo(3);
    // BALANCED: P = max(3, floor(0.5 x 12)) = 6; the nodes here carry no instance-type or zone
    // label, so spot-a is a pool of its own, and /debug/jobs and the metrics say so
    assertThat(job.get("perPoolCap").intValue()).isEqualTo(6);
    assertThat(job.get("pools").toString())
        .isEqualTo("[{\"pool\":\"node spot-a (no pool labels)\",\"executors\":3}]");
    assertThat(job.get("maxSpotPoolShare").doubleValue()).isEqualTo(0.25);
    assertThat(
            JSON.readTree(get("/debug/jobs").body()).get("spotNodesWithoutPoolLabels").intValue())
        .isEqualTo(2);
    assertThat(get("/metrics").body())
        .contains("spotpack_job_max_spot_pool_share{job=\"spark-abc\"} 0.25")
        .contains("spotpack_spot_nodes_without_pool_labels 2.0");

    Pod pending = createPending("e4");
    JsonNode result = filter(pending);
    assertThat(result.get("Error").stringValue()).isEmpty();
    assertThat(result.get("FailedAndUnresolvableNodes").get("spot-a").stringValue())
        .isEqualTo(
            "spot node: job spark-abc already has 3 of its 12 executors here (cap 3 = 25%); limit"
                + " set by spotpack");
    assertThat(result.get("NodeNames").toString()).isEqualTo("[\"spot-b\",\"od-1\"]");
  }

  /**
   * The start-up rehearsal (server.warmUpPods, on by default) runs beside the live state and ends;
   * the real job's counts are untouched by its made-up executors.
   */
  @Test
  void warmsUpBesideTheLiveStateAndEnds() throws Exception {
    assertThat(get("/metrics").body()).contains("spotpack_warmup_running");
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> get("/metrics").body().contains("spotpack_warmup_running 0.0"));
    JsonNode job = job();
    assertThat(job.get("executors").intValue()).isEqualTo(3);
    assertThat(get("/debug/jobs").body()).doesNotContain("warm-up");
  }

  /**
   * Four executors of a job of 4 behind spotpack's placement gate: pool cap max(1, floor(0.5 x 4))
   * = 2, so two are released (and stay pending: nothing schedules here) and the other two are held,
   * which /debug/gate shows with the gate's reason.
   */
  @Test
  void debugGateShowsTheExecutorsHeldAndWhy() throws Exception {
    assertThat(get("/debug/gate").body()).isEqualTo("{\"held\":[]}");
    for (int i = 1; i <= 4; i++) {
      Pod gated = executor("g" + i, null, "Pending");
      gated
          .getMetadata()
          .setLabels(Map.of("spark-app-selector", "gated-job", "spark-role", "executor"));
      gated.getMetadata().setAnnotations(Map.of("spotpack.dev/expected-executors", "4"));
      gated.getSpec().setSchedulingGates(List.of(new PodSchedulingGate("spotpack.dev/placement")));
      client.pods().inNamespace("spark").resource(gated).create();
    }

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> JSON.readTree(get("/debug/gate").body()).path("held").size() == 2);
    JsonNode held = JSON.readTree(get("/debug/gate").body()).path("held");
    assertThat(held.get(0).get("pod").stringValue()).isEqualTo("spark/g3");
    assertThat(held.get(1).get("pod").stringValue()).isEqualTo("spark/g4");
    assertThat(held.get(0).get("reason").stringValue())
        .isEqualTo(
            "job gated-job has 2 executors released for spot and not yet bound; pool cap 2 ="
                + " max(node cap 1, floor(0.5 x 4)): waiting for some to be bound");
  }

  @Test
  void bindPostsTheBindingWithTheUidAndCountsAtOnce() throws Exception {
    Pod e4 = createPending("e4");
    answerBinding("e4", 201, e4);
    await().until(() -> jobCount("pending") == 1);

    HttpResponse<String> bind =
        post(
            "bind",
            "{\"PodName\":\"e4\",\"PodNamespace\":\"spark\",\"PodUID\":\""
                + e4.getMetadata().getUid()
                + "\",\"Node\":\"spot-b\"}");
    assertThat(bind.body()).isEqualTo("{\"Error\":\"\"}");

    JsonNode binding = JSON.readTree(bindingBodies.get(0));
    assertThat(binding.get("kind").stringValue()).isEqualTo("Binding");
    assertThat(binding.at("/metadata/name").stringValue()).isEqualTo("e4");
    assertThat(binding.at("/metadata/uid").stringValue()).isEqualTo(e4.getMetadata().getUid());
    assertThat(binding.at("/target/kind").stringValue()).isEqualTo("Node");
    assertThat(binding.at("/target/name").stringValue()).isEqualTo("spot-b");

    // counted on spot-b before the informer knows: no wait, no stale count
    JsonNode job = job();
    assertThat(job.get("executorsOnSpot").intValue()).isEqualTo(4);
    assertThat(get("/metrics").body()).contains("spotpack_assumed_placements 1.0");

    // the API server's effect arrives through the informer: the record ends, nothing counts twice
    client
        .pods()
        .inNamespace("spark")
        .withName("e4")
        .edit(
            p -> {
              p.getSpec().setNodeName("spot-b");
              return p;
            });
    await().until(() -> get("/metrics").body().contains("spotpack_assumed_placements 0.0"));
    assertThat(job().get("executorsOnSpot").intValue()).isEqualTo(4);
    assertThat(get("/metrics").body())
        .contains("spotpack_bind_confirmation_seconds_count 1")
        // the binding POST is timed on its own: the API server's part of the verb's time
        .contains("spotpack_bind_api_duration_seconds_count 1");
  }

  @Test
  void apiErrorsComeBackInErrorAndLeaveNoPhantomPlacement() throws Exception {
    Pod e5 = createPending("e5");
    await().until(() -> jobCount("pending") == 1);
    answerBinding(
        "e5",
        409,
        new StatusBuilder()
            .withCode(409)
            .withReason("Conflict")
            .withMessage("pod e5 is already assigned to node \"od-1\"")
            .build());
    answerBinding(
        "ghost",
        404,
        new StatusBuilder()
            .withCode(404)
            .withReason("NotFound")
            .withMessage("pods \"ghost\" not found")
            .build());

    JsonNode conflict =
        JSON.readTree(
            post(
                    "bind",
                    "{\"PodName\":\"e5\",\"PodNamespace\":\"spark\",\"PodUID\":\""
                        + e5.getMetadata().getUid()
                        + "\",\"Node\":\"spot-b\"}")
                .body());
    assertThat(conflict.get("Error").stringValue())
        .isEqualTo(
            "binding spark/e5 to node spot-b failed: conflict (409): pod e5 is already assigned to"
                + " node \"od-1\"");
    JsonNode notFound =
        JSON.readTree(
            post(
                    "bind",
                    "{\"PodName\":\"ghost\",\"PodNamespace\":\"spark\",\"PodUID\":\"x\",\"Node\":\"spot-b\"}")
                .body());
    assertThat(notFound.get("Error").stringValue())
        .isEqualTo(
            "binding spark/ghost to node spot-b failed: pod not found (404): pods \"ghost\" not"
                + " found");

    assertThat(job().get("executorsOnSpot").intValue()).isEqualTo(3);
    assertThat(get("/metrics").body())
        .contains("spotpack_bind_errors_total{reason=\"conflict\"} 1.0")
        .contains("spotpack_bind_errors_total{reason=\"not_found\"} 1.0")
        .contains("spotpack_assumed_placements 0.0");
  }

  @Test
  void aSlowApiServerTimesOutInsideTheSchedulersTimeout() throws Exception {
    Pod e6 = createPending("e6");
    await().until(() -> jobCount("pending") == 1);
    server
        .expect()
        .post()
        .delay(3000)
        .withPath("/api/v1/namespaces/spark/pods/e6/binding")
        .andReturn(201, e6)
        .always();

    long t0 = System.nanoTime();
    JsonNode slow =
        JSON.readTree(
            post(
                    "bind",
                    "{\"PodName\":\"e6\",\"PodNamespace\":\"spark\",\"PodUID\":\""
                        + e6.getMetadata().getUid()
                        + "\",\"Node\":\"spot-b\"}")
                .body());
    long tookMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(slow.get("Error").stringValue())
        .startsWith(
            "binding spark/e6 to node spot-b failed: no answer from the API server within 500 ms");
    assertThat(tookMillis).isLessThan(2500);
    assertThat(job().get("executorsOnSpot").intValue()).isEqualTo(3);
  }

  @Test
  void followsExecutorsThatFinishAreDeletedOrGoInactive() throws Exception {
    client.pods().inNamespace("spark").withName("e1").delete();
    await().until(() -> jobCount("executorsOnSpot") == 2);

    client
        .pods()
        .inNamespace("spark")
        .withName("e2")
        .edit(
            p -> {
              p.getStatus().setPhase("Succeeded");
              return p;
            });
    await().until(() -> jobCount("executorsOnSpot") == 1);

    client
        .pods()
        .inNamespace("spark")
        .withName("e3")
        .edit(
            p -> {
              p.getMetadata().getLabels().put("spark-exec-inactive", "true");
              return p;
            });
    await().until(() -> jobCount("executors") == 0);
  }

  @Test
  void aReclaimedSpotNodeDisappearsFromTheView() throws Exception {
    aDeletedNodeIsRefusedOnceTheInformerDeliversIt();
  }

  /** Also run behind a lagging API server: {@link LaggingInformerIT}. */
  void aDeletedNodeIsRefusedOnceTheInformerDeliversIt() throws Exception {
    Pod e7 = createPending("e7");
    client.nodes().withName("spot-b").delete();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(text(filter(e7).path("FailedAndUnresolvableNodes").path("spot-b")))
                    .isEqualTo(
                        "node not yet known to spotpack, which needs its labels to apply the spot"
                            + " rules"));
  }
}
