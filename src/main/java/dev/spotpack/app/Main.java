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

  public static void main(String[] args) {
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
