package dev.spotpack.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.dajudge.kindcontainer.KindContainer;
import com.dajudge.kindcontainer.KindContainerVersion;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The scenarios against kind (Kubernetes 1.34.0 in Docker, via kindcontainer): a real cluster with
 * its own default scheduler, controllers and kubelet. spotpack and a second kube-scheduler (the
 * locally built v1.34.4 binary, with the shipped scheduler-config) run on the host against kind's
 * API server, as the secondary scheduler would in a cluster. Skipped, with the reason, where no
 * Docker engine is reachable.
 */
@Testcontainers(disabledWithoutDocker = true)
class KindE2EIT extends SchedulingScenarios {
  @Container
  static final KindContainer<?> KIND = new KindContainer<>(KindContainerVersion.VERSION_1_34_0);

  static AttachedCluster backend;

  @BeforeAll
  static void attach() throws Exception {
    KubeBinaries.Found bin = KubeBinaries.locate();
    assumeTrue(bin.dir().isPresent(), () -> "kube-scheduler binary unavailable: " + bin.reason());
    Path dir = Path.of("target/e2e/kind-" + System.currentTimeMillis()).toAbsolutePath();
    Files.createDirectories(dir);
    Path kubeconfig = dir.resolve("kind.kubeconfig");
    Files.writeString(kubeconfig, KIND.getKubeconfig(), StandardCharsets.UTF_8);
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(KIND.getKubeconfig()))
            .build();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("spotpack-system")
                .endMetadata()
                .build())
        .serverSideApply();
    Processes processes = new Processes(dir);
    HttpClient insecure =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(LocalControlPlane.trustAll())
            .build();
    backend =
        new AttachedCluster(
            dir,
            processes,
            client,
            SpotpackAndScheduler.start(bin.dir().get(), dir, kubeconfig, processes, insecure));
  }

  @AfterAll
  static void detach() {
    if (backend != null) {
      backend.close();
    }
  }

  @Override
  ClusterUnderTest cluster() {
    return backend;
  }
}
