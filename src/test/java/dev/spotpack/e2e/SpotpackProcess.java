package dev.spotpack.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The shipped jar ({@code target/spotpack.jar}) serving live as a child process, as a cluster runs
 * it: its CPU is its own, apart from the benchmark driver's, and can be broken down by thread.
 */
final class SpotpackProcess {
  static final String NAME = "spotpack";

  /**
   * How deeply C2 inlines, as the shipped Deployment's {@code JAVA_TOOL_OPTIONS} set it
   * (SpotpackProcessTest checks the two agree). Given before the caller's options, so a later
   * {@code -XX:MaxInlineLevel=15 -XX:InlineSmallCode=2500 -XX:FreqInlineSize=325} measures the
   * JDK's defaults.
   */
  static final List<String> SHIPPED_INLINING =
      List.of("-XX:MaxInlineLevel=6", "-XX:InlineSmallCode=500", "-XX:FreqInlineSize=100");

  private final Process process;
  private final int extenderPort;
  private final int managementPort;

  private SpotpackProcess(Process process, int extenderPort, int managementPort) {
    this.process = process;
    this.extenderPort = extenderPort;
    this.managementPort = managementPort;
  }

  /**
   * Starts {@code java [jvmOptions] -jar jar serve} against {@code kubeconfig} with {@code
   * configYaml}; returns once /readyz answers 200. {@code java} may be another JDK's launcher than
   * this JVM's.
   */
  static SpotpackProcess start(
      Path java,
      Path jar,
      Path dir,
      Path kubeconfig,
      String configYaml,
      List<String> jvmOptions,
      Processes processes)
      throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run ./mvnw -q package -DskipTests first");
    }
    Path config = dir.resolve("spotpack.yaml");
    Files.writeString(config, configYaml);
    int[] ports = Processes.freePorts(2);
    int extenderPort = ports[0];
    int managementPort = ports[1];
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    // as the shipped Deployment runs it (manifests/deployment.yaml, JAVA_TOOL_OPTIONS): the Serial
    // collector, the heap MaxRAMPercentage=50 gives under its 1,536 MiB memory limit, and C2's
    // inlining; a collector among jvmOptions replaces Serial (the JVM refuses two)
    if (jvmOptions.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w+GC"))) {
      command.add("-XX:+UseSerialGC");
    }
    command.add("-Xmx768m");
    command.addAll(SHIPPED_INLINING);
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "serve",
            "--kubeconfig",
            kubeconfig.toString(),
            "--config",
            config.toString(),
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(extenderPort),
            "--management-port",
            Integer.toString(managementPort)));
    Process process = processes.start(NAME, command);
    HttpClient http = HttpClient.newHttpClient();
    LocalControlPlane.awaitOk(
        () ->
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + managementPort + "/readyz"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode(),
        NAME,
        processes);
    return new SpotpackProcess(process, extenderPort, managementPort);
  }

  /**
   * Waits until the start-up rehearsal ({@code spotpack_warmup_running}) is over, or was never
   * started; returns how long that took in ms.
   */
  long awaitWarmUp(Duration atMost) throws Exception {
    long t0 = System.nanoTime();
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> MetricsText.value(metrics(), "spotpack_warmup_running") == 0);
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /**
   * SIGTERM, then waits up to {@code atMost} for the JVM to exit (its shutdown may write an AOT
   * cache, which takes longer than Processes' 20 s); returns its exit value.
   */
  int stop(Duration atMost) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("spotpack did not exit within " + atMost + " of SIGTERM");
    }
    return process.exitValue();
  }

  int extenderPort() {
    return extenderPort;
  }

  long pid() {
    return process.pid();
  }

  String metrics() throws Exception {
    return MetricsText.spotpack(managementPort);
  }

  /** Runs the JDK's jcmd against this process (e.g. JFR.start, JFR.dump) and returns its output. */
  String jcmd(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    command.add(Long.toString(pid()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out.strip();
  }

  /** What a group of threads used: CPU time, and how many times the kernel put them on a CPU. */
  record ThreadUse(long cpuNanos, long runs) {
    ThreadUse plus(ThreadUse other) {
      return new ThreadUse(cpuNanos + other.cpuNanos, runs + other.runs);
    }

    ThreadUse minus(ThreadUse other) {
      return new ThreadUse(cpuNanos - other.cpuNanos, runs - other.runs);
    }
  }

  /**
   * CPU time and runs of a process's live threads (JIT and GC threads included), summed by thread
   * name with digits replaced by N, from /proc/PID/task (Linux cuts names to 15 characters). CPU
   * time from {@code stat}'s utime and stime (10 ms ticks); runs from {@code schedstat}'s third
   * field, the times the thread was put on a CPU: each wake-up of a waiting thread is one, so runs
   * per pod count the hand-offs between threads and the waits for the network, which CPU time on a
   * noisy machine cannot resolve. Empty where there is no /proc; runs 0 where the kernel keeps no
   * schedstat. Threads that ended in between are missing; the process total has them.
   */
  static Map<String, ThreadUse> threadUseByGroup(long pid) {
    Map<String, ThreadUse> out = new TreeMap<>();
    Path tasks = Path.of("/proc/" + pid + "/task");
    if (!Files.isDirectory(tasks)) {
      return out;
    }
    try (var stream = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) stream::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "N");
          String stat = Files.readString(task.resolve("stat"));
          // fields after the parenthesised name: utime and stime are the 12th and 13th
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          long runs = 0;
          Path schedstat = task.resolve("schedstat");
          if (Files.exists(schedstat)) {
            // "<ns on a CPU> <ns waiting for one> <times put on a CPU>"
            runs = Long.parseLong(Files.readString(schedstat).strip().split(" ")[2]);
          }
          // USER_HZ is 100 on Linux
          out.merge(name, new ThreadUse(ticks * 10_000_000L, runs), ThreadUse::plus);
        } catch (IOException | RuntimeException e) {
          // the thread ended while we read it
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return out;
  }
}
