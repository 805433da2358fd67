package dev.spotpack.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks on manifests/ that need no API server (the e2e suite applies them to a real one). */
class ManifestsTest {
  @Test
  void theConfigMapCarriesTheShippedSchedulerConfigVerbatim() throws Exception {
    ConfigMap cm = configMaps().stream().filter(c -> c.getMetadata().getName().equals("spotpack-scheduler-config"))
        .findFirst().orElseThrow();
    assertThat(cm.getData().get("config.yaml"))
        .isEqualTo(Files.readString(Path.of("scheduler-config/spotpack-scheduler.yaml"), StandardCharsets.UTF_8));
  }

  @Test
  void spotpacksOwnConfigInTheConfigMapLoads() throws Exception {
    ConfigMap cm = configMaps().stream().filter(c -> c.getMetadata().getName().equals("spotpack-config"))
        .findFirst().orElseThrow();
    new dev.spotpack.config.ConfigLoader().parse(cm.getData().get("spotpack.yaml"), "manifests/configmaps.yaml");
  }

  private static List<ConfigMap> configMaps() throws Exception {
    KubernetesSerialization serialization = new KubernetesSerialization();
    String text = Files.readString(Path.of("manifests/configmaps.yaml"), StandardCharsets.UTF_8);
    List<ConfigMap> found = new java.util.ArrayList<>();
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
