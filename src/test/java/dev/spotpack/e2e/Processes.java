package dev.spotpack.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** Child processes of the local control plane, each logging to a file; stopped in reverse order. */
final class Processes implements AutoCloseable {
  private final Path logDir;
  private final List<Process> started = new ArrayList<>();
  private final Map<String, Process> byName = new HashMap<>();

  Processes(Path logDir) {
    this.logDir = logDir;
  }

  Process start(String name, List<String> command) throws IOException {
    Path log = logDir.resolve(name + ".log");
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    started.add(p);
    byName.put(name, p);
    return p;
  }

  boolean isAlive(String name) {
    Process p = byName.get(name);
    return p != null && p.isAlive();
  }

  /** Stops the named process and waits until it is gone. */
  void stop(String name) throws InterruptedException {
    Process p = byName.remove(name);
    if (p != null) {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      started.remove(p);
    }
  }

  /**
   * CPU time used so far by each running child process, by name (Linux reports it; else absent).
   */
  Map<String, Duration> cpu() {
    Map<String, Duration> out = new TreeMap<>();
    byName.forEach((name, p) -> p.info().totalCpuDuration().ifPresent(d -> out.put(name, d)));
    return out;
  }

  /**
   * How many times the kernel has put each running child process's live threads on a CPU, by name
   * (Linux with schedstat; else absent): every wake-up of a waiting thread is one.
   */
  Map<String, Long> runs() {
    Map<String, Long> out = new TreeMap<>();
    byName.forEach(
        (name, p) -> {
          long runs =
              SpotpackProcess.threadUseByGroup(p.pid()).values().stream()
                  .mapToLong(SpotpackProcess.ThreadUse::runs)
                  .sum();
          if (runs > 0) {
            out.put(name, runs);
          }
        });
    return out;
  }

  /** The last lines of a process's log, for an assertion message. */
  String tail(String name, int lines) {
    try {
      List<String> all = Files.readAllLines(logDir.resolve(name + ".log"), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static int freePort() throws IOException {
    return freePorts(1)[0];
  }

  /**
   * {@code count} distinct ports free at the time of the call. The sockets stay open until all are
   * chosen: closed one at a time, the kernel may hand the same port out twice, and a process given
   * it for two listeners cannot start (etcd's client and peer ports did, once in a benchmark run).
   */
  static int[] freePorts(int count) throws IOException {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket(0);
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      Process p = started.get(i);
      p.destroy();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    started.clear();
  }
}
