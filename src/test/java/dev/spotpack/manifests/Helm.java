package dev.spotpack.manifests;

import dev.spotpack.testing.BuiltTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * helm, built from its published Go module by e2e/build-helm.sh (once; cached outside git), or
 * named by SPOTPACK_HELM_BIN as .ci/run does. Empty, with the reason, where it cannot be had.
 */
public final class Helm {
  private final Path helm;

  private Helm(Path helm) {
    this.helm = helm;
  }

  /** The helm binary, or why there is none. */
  public record Found(Optional<Helm> helm, String reason) {}

  public static Found locate() throws IOException, InterruptedException {
    BuiltTools.Found found =
        BuiltTools.locate(
            "SPOTPACK_HELM_BIN",
            "e2e/build-helm.sh",
            List.of("helm"),
            "helm",
            Duration.ofMinutes(20));
    return new Found(found.dir().map(dir -> new Helm(dir.resolve("helm"))), found.reason());
  }

  /** helm's standard output; fails with its output when it exits with an error. */
  public String run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(helm.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("helm " + String.join(" ", args) + " failed:\n" + out);
    }
    return out;
  }

  /** The chart's objects for these --set values, in namespace spotpack-system. */
  public String template(String... sets) throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of("template", "spotpack", "charts/spotpack", "-n", "spotpack-system"));
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    return run(args.toArray(String[]::new));
  }
}
