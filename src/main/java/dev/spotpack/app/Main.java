package dev.spotpack.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar spotpack.jar <command>}. */
@Command(
    name = "spotpack",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Kubernetes scheduler extender for Spark on spot capacity: MostAllocated bin-packing, "
            + "with a per-job cap on the share of its executors on any single spot node.",
    subcommands = {
      SimulateCommand.class,
      ServeCommand.class,
      ExplainCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Read by the JDK once, when the common pool is first used: set before anything runs. */
  static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  public static void main(String[] args) {
    // On 2 CPUs or fewer (what spotpack usually gets) the common pool has parallelism 1, and
    // CompletableFuture then starts a new thread for every asynchronous stage without an
    // executor. The JDK HTTP client, fabric8's transport until 2026-12, completed every response
    // that way: one thread started and ended per bind (about 2,000 in a round of 2,000 pods,
    // docs/benchmarks-log.md). Two pooled workers take any such stages instead; an operator's own
    // -D
    // setting wins.
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing command: try 'spotpack serve --help'");
  }

  /** The version from the jar manifest, written by Maven. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"spotpack " + (v == null ? "(development build)" : v)};
    }
  }
}
