package dev.spotpack.manifests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    String env = System.getenv("SPOTPACK_HELM_BIN");
    Path dir;
    if (env != null && !env.isBlank()) {
      dir = Path.of(env);
    } else {
      Process p =
          new ProcessBuilder("bash", "e2e/build-helm.sh")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(20, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return new Found(Optional.empty(), "e2e/build-helm.sh did not finish in 20 minutes");
      }
      if (p.exitValue() == 3) {
        return new Found(Optional.empty(), "Go is not installed, so helm cannot be built");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("e2e/build-helm.sh failed (exit " + p.exitValue() + ")");
      }
      dir = Path.of(out);
    }
    Path helm = dir.resolve("helm");
    return Files.isExecutable(helm)
        ? new Found(Optional.of(new Helm(helm)), "")
        : new Found(Optional.empty(), helm + " is missing");
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
