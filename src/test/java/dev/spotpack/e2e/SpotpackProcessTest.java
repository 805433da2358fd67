package dev.spotpack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The loop benchmark's spotpack: its per-thread reading of /proc, on this JVM's own threads, and
 * its JVM options against the shipped Deployment's.
 */
class SpotpackProcessTest {

  @Test
  void aThreadThatWaitsAndWakesIsCountedInItsGroup() throws Exception {
    long pid = ProcessHandle.current().pid();
    assumeTrue(Files.exists(Path.of("/proc/" + pid + "/task")), "no /proc here: nothing to read");
    assumeTrue(
        Files.exists(Path.of("/proc/self/schedstat")), "the kernel keeps no schedstat: no runs");
    Thread sleeper =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 20; i++) {
                  Thread.sleep(1); // each wake-up from a sleep is one more run on a CPU
                }
                Thread.sleep(60_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "probe-thread-7");
    sleeper.setDaemon(true);
    sleeper.start();
    try {
      Map<String, SpotpackProcess.ThreadUse> use = Map.of();
      for (int i = 0; i < 200; i++) {
        use = SpotpackProcess.threadUseByGroup(pid);
        SpotpackProcess.ThreadUse probe = use.get("probe-thread-N");
        if (probe != null && probe.runs() >= 20) {
          break;
        }
        Thread.sleep(10);
      }
      // digits in the name become N, so threads of one pool add up in one group
      assertThat(use).containsKey("probe-thread-N");
      // 20 wake-ups and a few for starting; schedstat's other two fields are nanoseconds, far more
      assertThat(use.get("probe-thread-N").runs()).isBetween(20L, 500L);
      assertThat(use.get("probe-thread-N").cpuNanos()).isNotNegative();
    } finally {
      sleeper.interrupt();
    }
  }

  @Test
  void usesSubtract() {
    SpotpackProcess.ThreadUse before = new SpotpackProcess.ThreadUse(30_000_000, 12);
    SpotpackProcess.ThreadUse after = new SpotpackProcess.ThreadUse(50_000_000, 19);
    // 50 - 30 = 20 ms of CPU, 19 - 12 = 7 runs in between
    assertThat(after.minus(before)).isEqualTo(new SpotpackProcess.ThreadUse(20_000_000, 7));
    assertThat(before.plus(after)).isEqualTo(new SpotpackProcess.ThreadUse(80_000_000, 31));
  }

  /** A benchmark of the shipped JVM must not drift from the manifests' JAVA_TOOL_OPTIONS. */
  @Test
  void theHarnessInlinesAsTheShippedDeploymentDoes() throws Exception {
    KubernetesSerialization serialization = new KubernetesSerialization();
    String file = Files.readString(Path.of("manifests/deployment.yaml"), StandardCharsets.UTF_8);
    String options =
        Stream.of(file.split("(?m)^---\\s*$"))
            .map(serialization::unmarshal)
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream())
            .filter(c -> c.getName().equals("spotpack"))
            .flatMap(c -> c.getEnv().stream())
            .filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS"))
            .map(EnvVar::getValue)
            .findFirst()
            .orElseThrow();
    assertThat(List.of(options.trim().split("\\s+")))
        .containsAll(SpotpackProcess.SHIPPED_INLINING)
        .contains("-XX:+UseSerialGC");
  }
}
