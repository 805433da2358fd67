package dev.spotpack.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * etcd, kube-apiserver and kube-scheduler for the local control plane: from {@code
 * SPOTPACK_E2E_BIN} if set, else built (or found in the cache) by {@code e2e/build-k8s.sh}. Empty,
 * with the reason, where they cannot be had (no Go on the machine).
 */
final class KubeBinaries {
  private KubeBinaries() {}

  record Found(Optional<Path> dir, String reason) {}

  static Found locate() throws IOException, InterruptedException {
    String env = System.getenv("SPOTPACK_E2E_BIN");
    if (env != null && !env.isBlank()) {
      Path dir = Path.of(env);
      return complete(dir)
          ? new Found(Optional.of(dir), "")
          : new Found(
              Optional.empty(),
              "SPOTPACK_E2E_BIN=" + env + " lacks etcd, kube-apiserver or kube-scheduler");
    }
    Path script = Path.of("e2e/build-k8s.sh").toAbsolutePath();
    Path log = Files.createTempFile("spotpack-build-k8s", ".log");
    Process p = new ProcessBuilder("bash", script.toString()).redirectError(log.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(40, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return new Found(Optional.empty(), "e2e/build-k8s.sh did not finish in 40 minutes");
    }
    if (p.exitValue() == 3) {
      return new Found(
          Optional.empty(), "Go is not installed, so the Kubernetes binaries cannot be built");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "e2e/build-k8s.sh failed (exit "
              + p.exitValue()
              + "): "
              + Files.readString(log, StandardCharsets.UTF_8));
    }
    Path dir = Path.of(out.lines().reduce((a, b) -> b).orElse(""));
    if (!complete(dir)) {
      throw new IllegalStateException(
          "e2e/build-k8s.sh printed " + dir + ", which lacks the binaries");
    }
    return new Found(Optional.of(dir), "");
  }

  private static boolean complete(Path dir) {
    return Files.isExecutable(dir.resolve("etcd"))
        && Files.isExecutable(dir.resolve("kube-apiserver"))
        && Files.isExecutable(dir.resolve("kube-scheduler"));
  }
}
