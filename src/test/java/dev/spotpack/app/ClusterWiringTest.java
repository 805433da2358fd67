package dev.spotpack.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.kube.LeanDecoding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.impl.BaseClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterWiringTest {

  /**
   * fabric8 hands watch events and informer notifications to its task executor; a pool there woke
   * two threads per event (docs/benchmarks-log.md, stop 30). The client runs them in place instead.
   */
  @Test
  void fabric8sTasksRunOnTheThreadThatSubmitsThem(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster: {server: "https://127.0.0.1:1"}
        contexts:
        - name: c
          context: {cluster: c, user: u}
        current-context: c
        users:
        - name: u
          user: {token: t}
        """);
    try (KubernetesClient client = ClusterWiring.client(kubeconfig, LeanDecoding.serialization())) {
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      client.adapt(BaseClient.class).getExecutor().execute(() -> ranOn.set(Thread.currentThread()));
      assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    }
  }
}
