package dev.spotpack.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Tools the tests build from published Go modules with a script of e2e/ (cached outside git): from
 * the directory an environment variable names, as .ci/run sets it, else from the script, which
 * prints the directory and exits 3 without Go. Empty, with the reason, where they cannot be had.
 */
public final class BuiltTools {
  private BuiltTools() {}

  /** The directory holding the tools, or why there is none. */
  public record Found(Optional<Path> dir, String reason) {}

  /**
   * @param what the tools, for messages ("the Kubernetes binaries")
   * @param binaries the executables the directory must hold
   */
  public static Found locate(
      String envVar, String script, List<String> binaries, String what, Duration buildLimit)
      throws IOException, InterruptedException {
    String env = System.getenv(envVar);
    if (env != null && !env.isBlank()) {
      Path dir = Path.of(env);
      return complete(dir, binaries)
          ? new Found(Optional.of(dir), "")
          : new Found(Optional.empty(), envVar + "=" + env + " lacks one of " + binaries);
    }
    Path log = Files.createTempFile("spotpack-build", ".log");
    Process p =
        new ProcessBuilder("bash", Path.of(script).toAbsolutePath().toString())
            .redirectError(log.toFile())
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(buildLimit.toMinutes(), TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return new Found(
          Optional.empty(), script + " did not finish in " + buildLimit.toMinutes() + " minutes");
    }
    if (p.exitValue() == 3) {
      return new Found(Optional.empty(), "Go is not installed, so " + what + " cannot be built");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          script
              + " failed (exit "
              + p.exitValue()
              + "): "
              + Files.readString(log, StandardCharsets.UTF_8));
    }
    Path dir = Path.of(out.lines().reduce((a, b) -> b).orElse(""));
    if (!complete(dir, binaries)) {
      throw new IllegalStateException(script + " printed " + dir + ", which lacks " + binaries);
    }
    return new Found(Optional.of(dir), "");
  }

  private static boolean complete(Path dir, List<String> binaries) {
    return binaries.stream().allMatch(b -> Files.isExecutable(dir.resolve(b)));
  }
}
