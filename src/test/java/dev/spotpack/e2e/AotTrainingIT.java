package dev.spotpack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image build's AOT training run (AotTraining), on a small made-up cluster, with a JDK 25 or
 * later: every executor filtered is bound, a cache is written, and a JVM started from it with the
 * jar uses it. Needs such a JDK: {@code SPOTPACK_AOT_JAVA}, this JVM, or one under /usr/lib/jvm;
 * skipped, with the reason, without one.
 */
class AotTrainingIT {
  @TempDir Path dir;

  @Test
  void trainsACacheThatTheJarStartsFrom() throws Exception {
    Optional<Path> java = jdk25();
    assumeTrue(
        java.isPresent(),
        "no JDK 25 or later (SPOTPACK_AOT_JAVA, this JVM, /usr/lib/jvm): AOT caches need one");
    Path jar = Path.of("target/spotpack.jar");
    assertThat(jar).as("run ./mvnw package first").exists();
    Path cache = dir.resolve("spotpack.aot");

    // 100 nodes, 300 executors: 296 bound (the last 4 still in flight)
    AotTraining.Result r = AotTraining.run(java.get().toString(), jar, cache, 100, 300, false);
    assertThat(r.binds()).isEqualTo(300 - AotTraining.IN_FLIGHT);
    assertThat(r.cacheBytes()).isGreaterThan(1 << 20);

    Process p =
        new ProcessBuilder(
                java.get().toString(),
                "-XX:AOTCache=" + cache,
                "-Xlog:aot=info",
                "-XX:+UnlockDiagnosticVMOptions",
                "-XX:+AOTPrintTrainingInfo",
                "-jar",
                jar.toString(),
                "--version")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("Using AOT-linked classes: true");
    // the image's cache holds no JIT profiles (AotTraining.WITHOUT_PROFILES): the training data
    // the JVM prints from it names none of spotpack's methods
    String header = "Archived TrainingData Dictionary";
    assertThat(out).contains(header);
    assertThat(out.substring(out.indexOf(header))).doesNotContain("dev/spotpack/");
  }

  private static final Pattern VERSION = Pattern.compile("JAVA_VERSION=\"(\\d+)");

  /** A java launcher of a JDK 25 or later. */
  static Optional<Path> jdk25() throws IOException {
    String configured = System.getenv("SPOTPACK_AOT_JAVA");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    Path self = Path.of(System.getProperty("java.home"));
    if (Runtime.version().feature() >= 25) {
      return Optional.of(self.resolve("bin/java"));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(jvms)) {
      return homes
          .filter(h -> feature(h) >= 25 && Files.isExecutable(h.resolve("bin/java")))
          .max(Comparator.comparingInt(AotTrainingIT::feature))
          .map(h -> h.resolve("bin/java"));
    }
  }

  private static int feature(Path home) {
    try {
      Matcher m = VERSION.matcher(Files.readString(home.resolve("release")));
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }
}
