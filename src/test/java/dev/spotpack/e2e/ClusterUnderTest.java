package dev.spotpack.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/** A real API server that the scenarios run against, with spotpack and kube-scheduler attached. */
interface ClusterUnderTest extends AutoCloseable {
  /** A client with full rights. */
  KubernetesClient client();

  /** spotpack's management port, for /metrics and /debug/jobs. */
  int spotpackManagementPort();

  /** Where the backend's logs are, for failure messages. */
  Path logDir();

  /** Stops what the backend started; never throws. */
  @Override
  void close();
}
