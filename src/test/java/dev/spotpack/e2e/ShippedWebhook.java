package dev.spotpack.e2e;

import dev.spotpack.app.ExtenderApp;
import dev.spotpack.testing.TestCertificates;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * The shipped {@code manifests/webhook/webhook.yaml}'s MutatingWebhookConfiguration registered with
 * a test's API server, its in-cluster Service replaced by a URL and CA.
 */
final class ShippedWebhook {
  private ShippedWebhook() {}

  /**
   * spotpack's {@code server} config section that serves the webhook over HTTPS on a free port,
   * with a certificate made in {@code dir} ({@code server.crt}, signed by {@code ca.crt}).
   */
  static String serverYaml(Path dir) throws IOException, InterruptedException {
    TestCertificates.make(dir);
    return "server:\n  webhook:\n    port: 0\n    certFile: "
        + dir.resolve("server.crt")
        + "\n    keyFile: "
        + dir.resolve("server.key")
        + "\n";
  }

  /**
   * Registers it for {@code spotpack}, started with {@link #serverYaml}{@code (dir)}, with {@code
   * failurePolicy: Fail}: a call that fails must fail the test or the benchmark, not be ignored as
   * in production.
   */
  static void register(KubernetesClient client, ExtenderApp spotpack, Path dir) throws IOException {
    String url = "https://127.0.0.1:" + spotpack.webhookPort() + "/webhook/spread-hint";
    byte[] caPem = Files.readAllBytes(dir.resolve("ca.crt"));
    List<MutatingWebhookConfiguration> shipped;
    try (var in = Files.newInputStream(Path.of("manifests/webhook/webhook.yaml"))) {
      shipped =
          client.load(in).items().stream()
              .filter(MutatingWebhookConfiguration.class::isInstance)
              .map(MutatingWebhookConfiguration.class::cast)
              .toList();
    }
    if (shipped.size() != 1) {
      throw new IllegalStateException(
          "manifests/webhook/webhook.yaml: expected one MutatingWebhookConfiguration, found "
              + shipped.size());
    }
    MutatingWebhookConfiguration config = shipped.get(0);
    config
        .getWebhooks()
        .forEach(
            w -> {
              w.setClientConfig(
                  new WebhookClientConfigBuilder()
                      .withUrl(url)
                      .withCaBundle(Base64.getEncoder().encodeToString(caPem))
                      .build());
              w.setFailurePolicy("Fail");
            });
    client.resource(config).create();
  }
}
