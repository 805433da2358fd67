package dev.spotpack.e2e;

import dev.spotpack.app.ExtenderApp;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/**
 * An API server with spotpack and the secondary kube-scheduler attached; closing stops spotpack,
 * the client and every process the backend started (in reverse order).
 */
record AttachedCluster(
    Path logDir, Processes processes, KubernetesClient client, ExtenderApp spotpack)
    implements ClusterUnderTest {
  @Override
  public int spotpackManagementPort() {
    return spotpack.managementPort();
  }

  @Override
  public void close() {
    spotpack.stop();
    client.close();
    processes.close();
  }
}
