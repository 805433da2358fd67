package dev.spotpack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spotpack.app.ExtenderApp;
import dev.spotpack.testing.ExtenderHttp;
import dev.spotpack.testing.LaggingProxy;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * spotpack's watches on a real kube-apiserver behind {@link LaggingProxy}: every byte from the API
 * server arrives 1 s late, so the watch events of a burst reach spotpack's HTTP client together, in
 * few reads, instead of one by one; and after a broken connection, the watch resumes from the last
 * resource version it saw, so the API server replays what it missed at once, right behind its
 * answer to the watch request. Each event must still count: no relist follows a lost one, so
 * spotpack would keep a deleted node, or never learn a new one, until its watch broke again.
 * (fabric8's Vert.x transport lost every other WebSocket watch event that arrived with the
 * handshake's answer, behind fabric8's mock API server; see docs/benchmarks-log.md.)
 */
class LaggingWatchE2EIT {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final int NODES = 60;
  static final int DELETED = 45;
  static final int WHILE_CUT = 10;

  static LocalControlPlane.ApiServer api;
  static LaggingProxy proxy;
  static ExtenderApp spotpack;

  @BeforeAll
  static void start() throws Exception {
    KubeBinaries.Found bin = KubeBinaries.locate();
    assumeTrue(bin.dir().isPresent(), () -> "local control plane unavailable: " + bin.reason());
    Path dir = Path.of("target/e2e/lagging-" + System.currentTimeMillis()).toAbsolutePath();
    api = LocalControlPlane.startApiServer(bin.dir().get(), dir);
    proxy = new LaggingProxy("127.0.0.1", api.apiPort(), Duration.ofSeconds(1));
    Path lagging = dir.resolve("lagging.kubeconfig");
    Files.writeString(
        lagging,
        Files.readString(api.kubeconfig(), StandardCharsets.UTF_8)
            .replace("127.0.0.1:" + api.apiPort(), "127.0.0.1:" + proxy.port()),
        StandardCharsets.UTF_8);
    spotpack = SpotpackAndScheduler.startSpotpack(dir, lagging);
  }

  @AfterAll
  static void stop() {
    if (spotpack != null) {
      spotpack.stop();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void everyEventOfABurstCountsThoughTheyArriveTogether() {
    KubernetesClient client = api.client();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      names.add("lag-spot-" + i);
    }
    names.forEach(n -> FakeNodes.create(client, n, Map.of("karpenter.sh/capacity-type", "spot")));
    // every node known: an executor of a job with no caps reached passes each of them
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(unknownTo(names)).isEmpty());

    names.subList(0, DELETED).forEach(n -> client.nodes().withName(n).delete());
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(unknownTo(names)).isEqualTo(new TreeSet<>(names.subList(0, DELETED))));

    // the watches break; while they reconnect (1 s of lag at least), nodes come and go: the resumed
    // watch replays those events in one burst
    proxy.cut();
    List<String> added = new ArrayList<>();
    for (int i = 0; i < WHILE_CUT; i++) {
      added.add("lag-new-" + i);
    }
    names.subList(DELETED, DELETED + WHILE_CUT).forEach(n -> client.nodes().withName(n).delete());
    added.forEach(n -> FakeNodes.create(client, n, Map.of("karpenter.sh/capacity-type", "spot")));
    List<String> all = new ArrayList<>(names);
    all.addAll(added);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(unknownTo(all))
                    .isEqualTo(new TreeSet<>(names.subList(0, DELETED + WHILE_CUT))));
  }

  /** The nodes spotpack's filter refuses as not yet known, for an executor of a fresh job. */
  static Set<String> unknownTo(List<String> names) throws Exception {
    String body =
        "{\"Pod\":{\"metadata\":{\"name\":\"e\",\"namespace\":\"default\",\"uid\":\"lag-e\","
            + "\"labels\":{\"spark-app-selector\":\"lag-job\",\"spark-role\":\"executor\"}},"
            + "\"spec\":{\"containers\":[]},\"status\":{}},\"Nodes\":null,\"NodeNames\":"
            + JSON.writeValueAsString(names)
            + "}";
    JsonNode reply = JSON.readTree(ExtenderHttp.post(spotpack, "filter", body).body());
    assertThat(reply.path("Error").asString("")).isEmpty();
    Set<String> unknown = new TreeSet<>();
    reply
        .path("FailedAndUnresolvableNodes")
        .properties()
        .forEach(
            e -> {
              if (e.getValue().asString("").startsWith("node not yet known")) {
                unknown.add(e.getKey());
              }
            });
    return unknown;
  }
}
