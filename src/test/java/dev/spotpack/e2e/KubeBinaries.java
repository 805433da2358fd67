package dev.spotpack.e2e;

import dev.spotpack.testing.BuiltTools;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * etcd, kube-apiserver and kube-scheduler for the local control plane: from {@code
 * SPOTPACK_E2E_BIN} if set, else built (or found in the cache) by {@code e2e/build-k8s.sh}. Empty,
 * with the reason, where they cannot be had (no Go on the machine).
 */
final class KubeBinaries {
  private KubeBinaries() {}

  record Found(Optional<Path> dir, String reason) {}

  static Found locate() throws IOException, InterruptedException {
    BuiltTools.Found found =
        BuiltTools.locate(
            "SPOTPACK_E2E_BIN",
            "e2e/build-k8s.sh",
            List.of("etcd", "kube-apiserver", "kube-scheduler"),
            "the Kubernetes binaries",
            Duration.ofMinutes(40));
    return new Found(found.dir(), found.reason());
  }
}
