package dev.spotpack.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shipped {@code scheduler-config/spotpack-scheduler.yaml}, with only the extender URL and the
 * kubeconfig substituted: the e2e suite proves the file users deploy, not a test copy.
 */
final class SchedulerConfigFile {
  static final Path SHIPPED = Path.of("scheduler-config/spotpack-scheduler.yaml");
  static final String SHIPPED_URL = "urlPrefix: http://127.0.0.1:8888/scheduler";
  static final String SHIPPED_KUBECONFIG = "kubeconfig: \"\"";

  private SchedulerConfigFile() {}

  static Path write(Path dir, String extenderHostPort, Path kubeconfig) throws IOException {
    String text = Files.readString(SHIPPED, StandardCharsets.UTF_8);
    if (!text.contains(SHIPPED_URL) || !text.contains(SHIPPED_KUBECONFIG)) {
      throw new IllegalStateException(SHIPPED + " no longer contains '" + SHIPPED_URL + "' and '"
          + SHIPPED_KUBECONFIG + "': update the e2e substitution with it");
    }
    String substituted = text
        .replace(SHIPPED_URL, "urlPrefix: http://" + extenderHostPort + "/scheduler")
        .replace(SHIPPED_KUBECONFIG, "kubeconfig: \"" + kubeconfig + "\"");
    Path file = dir.resolve("scheduler.yaml");
    Files.writeString(file, substituted, StandardCharsets.UTF_8);
    return file;
  }
}
