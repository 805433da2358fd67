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

  /**
   * The same configuration without the extender, under another scheduler name and lease: the
   * baseline for measuring what spotpack costs kube-scheduler.
   */
  static Path writeWithoutExtender(Path dir, Path kubeconfig, String schedulerName)
      throws IOException {
    String text = substituted("127.0.0.1:1", kubeconfig);
    int extenders = text.indexOf("\nextenders:");
    if (extenders < 0) {
      throw new IllegalStateException(SHIPPED + " has no top-level extenders block");
    }
    String plain =
        text.substring(0, extenders + 1)
            .replace("schedulerName: spotpack-scheduler", "schedulerName: " + schedulerName)
            .replace("resourceName: spotpack-scheduler", "resourceName: " + schedulerName);
    Path file = dir.resolve(schedulerName + ".yaml");
    Files.writeString(file, plain, StandardCharsets.UTF_8);
    return file;
  }

  static Path write(Path dir, String extenderHostPort, Path kubeconfig) throws IOException {
    Path file = dir.resolve("scheduler.yaml");
    Files.writeString(file, substituted(extenderHostPort, kubeconfig), StandardCharsets.UTF_8);
    return file;
  }

  /**
   * {@code config} with kube-scheduler's client rate limit set (burst twice that); 0: unchanged.
   */
  static Path withQps(Path config, int qps) throws IOException {
    if (qps <= 0) {
      return config;
    }
    String marker = "clientConnection:\n";
    return edited(
        config,
        marker,
        marker + "  qps: " + qps + "\n  burst: " + (2 * qps) + "\n",
        "clientConnection block");
  }

  /**
   * {@code config} without its extender's {@code bindVerb}: kube-scheduler then binds each pod
   * itself, and spotpack learns the placement from its watch only. Not a supported setting; the
   * harnesses use it to measure what being the binder costs and buys (docs/benchmarks-log.md, stop
   * 46).
   */
  static Path withoutBindVerb(Path config) throws IOException {
    return edited(config, "  bindVerb: bind\n", "", "bindVerb line to drop");
  }

  /**
   * {@code config} with every {@code text} replaced by {@code by}; fails, saying it has no {@code
   * what}, where the file lacks {@code text}: an edit that matched nothing would leave the shipped
   * file measured under another name.
   */
  static Path edited(Path config, String text, String by, String what) throws IOException {
    String content = Files.readString(config);
    if (!content.contains(text)) {
      throw new IllegalStateException(config + " has no " + what);
    }
    Files.writeString(config, content.replace(text, by));
    return config;
  }

  private static String substituted(String extenderHostPort, Path kubeconfig) throws IOException {
    String text = Files.readString(SHIPPED, StandardCharsets.UTF_8);
    if (!text.contains(SHIPPED_URL) || !text.contains(SHIPPED_KUBECONFIG)) {
      throw new IllegalStateException(
          SHIPPED
              + " no longer contains '"
              + SHIPPED_URL
              + "' and '"
              + SHIPPED_KUBECONFIG
              + "': update the e2e substitution with it");
    }
    return text.replace(SHIPPED_URL, "urlPrefix: http://" + extenderHostPort + "/scheduler")
        .replace(SHIPPED_KUBECONFIG, "kubeconfig: \"" + kubeconfig + "\"");
  }
}
