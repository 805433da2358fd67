package dev.spotpack.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks on manifests/ that need no API server (the e2e suite applies them to a real one). */
class ManifestsTest {
  @Test
  void theConfigMapCarriesTheShippedSchedulerConfigVerbatim() throws Exception {
    ConfigMap cm =
        configMaps().stream()
            .filter(c -> c.getMetadata().getName().equals("spotpack-scheduler-config"))
            .findFirst()
            .orElseThrow();
    assertThat(cm.getData().get("config.yaml"))
        .isEqualTo(
            Files.readString(
                Path.of("scheduler-config/spotpack-scheduler.yaml"), StandardCharsets.UTF_8));
  }

  @Test
  void spotpacksOwnConfigInTheConfigMapLoads() throws Exception {
    ConfigMap cm =
        configMaps().stream()
            .filter(c -> c.getMetadata().getName().equals("spotpack-config"))
            .findFirst()
            .orElseThrow();
    new dev.spotpack.config.ConfigLoader()
        .parse(cm.getData().get("spotpack.yaml"), "manifests/configmaps.yaml");
  }

  /**
   * The webhook overlay replaces spotpack.yaml whole: it must stay the base file plus the webhook.
   */
  @Test
  void theWebhookOverlaysConfigIsTheBaseConfigPlusTheWebhook() throws Exception {
    String base =
        configMaps().stream()
            .filter(c -> c.getMetadata().getName().equals("spotpack-config"))
            .findFirst()
            .orElseThrow()
            .getData()
            .get("spotpack.yaml");
    ConfigMap overlay = configMaps(Path.of("manifests/webhook/spotpack-config.yaml")).get(0);
    String text = overlay.getData().get("spotpack.yaml");
    assertThat(text).startsWith(base);
    var config =
        new dev.spotpack.config.ConfigLoader()
            .parse(text, "manifests/webhook/spotpack-config.yaml");
    assertThat(config.server().webhook()).isNotNull();
    assertThat(config.server().webhook().port()).isEqualTo(8443);
    // the mounted Secret's keys, as cert-manager writes them
    assertThat(config.server().webhook().tls().certFile())
        .hasToString("/etc/spotpack/webhook-tls/tls.crt");
    assertThat(Files.readString(Path.of("manifests/webhook/deployment-patch.yaml")))
        .contains(
            "mountPath: /etc/spotpack/webhook-tls",
            "containerPort: 8443",
            "secretName: spotpack-webhook-tls");
    assertThat(Files.readString(Path.of("manifests/webhook/certificate.yaml")))
        .contains("secretName: spotpack-webhook-tls");
    // the placement gate is on by default, and its controller may patch pods (nothing else is
    // added)
    assertThat(config.server().webhook().placementGate()).isTrue();
    assertThat(Files.readString(Path.of("manifests/webhook/webhook.yaml")))
        .contains(
            "name: spotpack-placement-gate\n"
                + "rules:\n"
                + "- apiGroups: [\"\"]\n"
                + "  resources: [pods]\n"
                + "  verbs: [patch]\n");
  }

  private static List<ConfigMap> configMaps() throws Exception {
    return configMaps(Path.of("manifests/configmaps.yaml"));
  }

  private static List<ConfigMap> configMaps(Path file) throws Exception {
    KubernetesSerialization serialization = new KubernetesSerialization();
    String text = Files.readString(file, StandardCharsets.UTF_8);
    List<ConfigMap> found = new ArrayList<>();
    for (String doc : text.split("(?m)^---$")) {
      if (doc.isBlank()) {
        continue;
      }
      Object parsed = serialization.unmarshal(doc);
      if (parsed instanceof ConfigMap cm) {
        found.add(cm);
      } else if (parsed instanceof KubernetesList list) {
        for (HasMetadata item : list.getItems()) {
          if (item instanceof ConfigMap cm) {
            found.add(cm);
          }
        }
      }
    }
    return found;
  }
}
