package dev.spotpack.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The scenarios on a local control plane: etcd, kube-apiserver and kube-scheduler v1.34.4 built
 * from the published Go modules by {@code e2e/build-k8s.sh}. Skipped, with the reason, only where
 * Go is missing.
 */
class LocalControlPlaneE2EIT extends SchedulingScenarios {
  static AttachedCluster plane;

  @BeforeAll
  static void startPlane() throws Exception {
    KubeBinaries.Found bin = KubeBinaries.locate();
    assumeTrue(bin.dir().isPresent(), () -> "local control plane unavailable: " + bin.reason());
    plane =
        LocalControlPlane.start(
            bin.dir().get(),
            Path.of("target/e2e/local-" + System.currentTimeMillis()).toAbsolutePath());
  }

  @AfterAll
  static void stopPlane() {
    if (plane != null) {
      plane.close();
    }
  }

  @Override
  ClusterUnderTest cluster() {
    return plane;
  }
}
