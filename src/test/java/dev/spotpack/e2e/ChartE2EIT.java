package dev.spotpack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spotpack.app.ExtenderApp;
import dev.spotpack.manifests.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * charts/spotpack against a real kube-apiserver and kube-scheduler: every object the chart renders
 * (defaults, HTTPS between the two, and the webhook with a certificate of one's own, since
 * cert-manager's and the Prometheus Operator's CRDs are not installed here) passes a server-side
 * dry-run apply with strict field validation, and kube-scheduler runs the scheduler config the
 * chart renders (with only its kubeconfig and spotpack's address substituted) and schedules an
 * executor through spotpack with it.
 */
class ChartE2EIT {
  @Test
  void theApiServerAcceptsTheChartAndKubeSchedulerRunsItsConfig() throws Exception {
    KubeBinaries.Found bin = KubeBinaries.locate();
    assumeTrue(bin.dir().isPresent(), () -> "local control plane unavailable: " + bin.reason());
    Helm.Found helm = Helm.locate();
    assumeTrue(helm.helm().isPresent(), helm.reason());
    Path dir = Path.of("target/e2e/chart-" + System.currentTimeMillis()).toAbsolutePath();
    try (LocalControlPlane.ApiServer api = LocalControlPlane.startApiServer(bin.dir().get(), dir)) {
      KubernetesClient client = api.client();
      String defaults = helm.helm().get().template();
      String webhook =
          helm.helm()
              .get()
              .template(
                  "webhook.enabled=true",
                  "webhook.certManager=false",
                  "webhook.tlsSecret=my-webhook-tls",
                  "webhook.caBundle=Y2E=");
      String tls = helm.helm().get().template("tls.secretName=extender-tls", "tls.clientAuth=true");
      int objects = 0;
      for (String rendered : List.of(defaults, webhook, tls)) {
        for (HasMetadata item :
            client
                .load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8)))
                .items()) {
          assertThat(
                  client
                      .resource(item)
                      .dryRun()
                      .fieldValidation(FieldValidateable.Validation.STRICT)
                      .fieldManager("spotpack-e2e")
                      .forceConflicts()
                      .serverSideApply())
              .as("%s %s", item.getKind(), item.getMetadata().getName())
              .isNotNull();
          objects++;
        }
      }
      // defaults: rbac 8, configmaps 2, deployment + PDB + Service 3; with the webhook also its
      // Service, configuration, the gate's ClusterRole and binding; with TLS the defaults' 13
      assertThat(objects).isEqualTo(13 + 17 + 13);

      String schedulerConfig =
          client
              .load(new ByteArrayInputStream(defaults.getBytes(StandardCharsets.UTF_8)))
              .items()
              .stream()
              .filter(i -> i.getMetadata().getName().equals("spotpack-scheduler-config"))
              .map(
                  i -> ((io.fabric8.kubernetes.api.model.ConfigMap) i).getData().get("config.yaml"))
              .findFirst()
              .orElseThrow();
      ExtenderApp spotpack = SpotpackAndScheduler.startSpotpack(dir, api.kubeconfig());
      try {
        Path file = dir.resolve("chart-scheduler.yaml");
        String substituted =
            schedulerConfig
                .replace("kubeconfig: \"\"", "kubeconfig: \"" + api.kubeconfig() + "\"")
                .replace("127.0.0.1:8888", "127.0.0.1:" + spotpack.extenderPort());
        assertThat(substituted).isNotEqualTo(schedulerConfig);
        Files.writeString(file, substituted);
        SpotpackAndScheduler.startScheduler(
            bin.dir().get(), file, "kube-scheduler-chart", api.processes(), api.insecure());
        FakeNodes.scheduleOneExecutor(client);
      } finally {
        spotpack.stop();
      }
    }
  }
}
