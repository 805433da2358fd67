package dev.spotpack.extender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.policy.PolicyConfig;
import dev.spotpack.policy.spot.PodRoles;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  private static double bodies(SimpleMeterRegistry registry, String reader) {
    return registry.get("spotpack.verb.bodies").tag("reader", reader).counter().count();
  }
}
