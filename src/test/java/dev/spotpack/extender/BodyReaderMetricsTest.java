package dev.spotpack.extender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.cluster.SnapshotBinder;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.policy.PolicyConfig;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.spot.PodRoles;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code spotpack_verb_bodies_total{reader}} says which reader read each filter and prioritize
 * body, so that a kube-scheduler that stopped writing its usual layout shows (MonitoringNamesE2EIT
 * checks a real one's bodies all take the layout reader).
 */
class BodyReaderMetricsTest {
  static final String POD = "{\"metadata\":{\"name\":\"p\",\"namespace\":\"n\",\"uid\":\"u\"}}";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "kube-scheduler's layout | {\"Pod\":POD,\"Nodes\":null,\"NodeNames\":[\"a\",\"b\"]} | 1 |"
            + " 0",
        "lower-case keys | {\"pod\":POD,\"nodes\":null,\"nodenames\":[\"a\"]} | 0 | 1",
        "whitespace | {\"Pod\": POD, \"Nodes\": null, \"NodeNames\": [\"a\"]} | 0 | 1",
        "malformed | {\"Pod\":POD,\"Nodes\":null,\"NodeNames\":[\"a\" | 0 | 1",
      })
  void countsTheReaderOfEachBody(String why, String body, int layout, int general) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ExtenderCalls calls =
        ExtenderCalls.overSnapshot(
            PolicyConfig.DEFAULT,
            new ClusterState(PodRoles.SPARK),
            new KubeModel(new KubernetesSerialization(), PodRoles.SPARK.labelKeys()),
            registry,
            System::nanoTime,
            Clock.systemUTC());
    byte[] bytes = body.replace("POD", POD).getBytes(StandardCharsets.UTF_8);

    calls.filter(bytes);
    calls.prioritize(bytes);

    assertThat(bodies(registry, "layout")).isEqualTo(2.0 * layout);
    assertThat(bodies(registry, "general")).isEqualTo(2.0 * general);
  }

  /**
   * {@code spotpack_verb_pods_total{read}}: a pod the informer read at the call's uid and
   * resourceVersion is taken as read; another version is read from the request.
   */
  @Test
  void countsWhereEachPodWasRead() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ClusterState state = new ClusterState(PodRoles.SPARK);
    KubeModel model = new KubeModel(new KubernetesSerialization(), PodRoles.SPARK.labelKeys());
    ExtenderCalls calls =
        ExtenderCalls.wire(
            new SpotPolicy(PolicyConfig.DEFAULT),
            new LiveClusterSource(state, () -> true),
            new SnapshotBinder(state),
            model,
            registry,
            System::nanoTime,
            Clock.systemUTC());
    String pod = POD.replace("\"uid\":\"u\"", "\"uid\":\"u\",\"resourceVersion\":\"42\"");
    state.upsertPod(model.podFromJson(JsonMapper.builder().build().readTree(pod)), "42");

    calls.filter(body(pod));
    calls.filter(body(pod.replace("\"42\"", "\"43\"")));
    calls.prioritize(body(pod));

    assertThat(pods(registry, "informer")).isEqualTo(2.0);
    assertThat(pods(registry, "request")).isEqualTo(1.0);
  }

  private static byte[] body(String pod) {
    return ("{\"Pod\":" + pod + ",\"Nodes\":null,\"NodeNames\":[\"a\"]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static double pods(SimpleMeterRegistry registry, String read) {
    return registry.get("spotpack.verb.pods").tag("read", read).counter().count();
  }

  private static double bodies(SimpleMeterRegistry registry, String reader) {
    return registry.get("spotpack.verb.bodies").tag("reader", reader).counter().count();
  }
}
