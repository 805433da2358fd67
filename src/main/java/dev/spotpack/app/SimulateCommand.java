package dev.spotpack.app;

import dev.spotpack.config.ConfigException;
import dev.spotpack.config.ConfigLoader;
import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.config.WorkloadLoader;
import dev.spotpack.sim.ReferenceWorkload;
import dev.spotpack.sim.Simulator;
import dev.spotpack.sim.StrategyResult;
import dev.spotpack.sim.Workload;
import dev.spotpack.sim.report.HtmlReport;
import dev.spotpack.sim.report.JsonReport;
import dev.spotpack.sim.report.TableReport;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code spotpack simulate}: what bin-packing and spotpack's caps buy on a day of Spark jobs. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Simulate a day of Spark jobs on an autoscaled cluster with correlated spot reclaims, under"
          + " three strategies: LeastAllocated (the default scheduler), MostAllocated (bin-packing)"
          + " and spotpack (bin-packing with per-job caps on spot nodes, through the same policy"
          + " code as serve). Prints cost, cpu- and node-hours, utilisation, executors lost per"
          + " node and per pool event, and failed and retried jobs for each.",
      "",
      "Without --workload it runs the built-in reference workload (README, \"Simulate\")."
    })
final class SimulateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--workload",
      paramLabel = "FILE",
      description = "A workload YAML file (README, \"Workload file\").")
  Path workload;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Seed of the random choices (reference workload, spot interruptions); default"
              + " ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description = "Also write DIR/index.html with charts over time.")
  Path report;

  @Option(
      names = "--autoscaler",
      paramLabel = "MODEL",
      defaultValue = "ideal",
      description =
          "ideal: the autoscaler launches what each pending pod can use under spotpack's rules"
              + " (spot within the caps, on-demand beyond a job's spot share; default); karpenter:"
              + " as Karpenter really does, it sees only the in-tree rules and adds no node for an"
              + " executor that fits an existing spot node by resources but is kept off it by the"
              + " caps; karpenter-hints: the same Karpenter with spotpack's admission webhook"
              + " deployed: executors get its hostname spread hint and wait behind its placement"
              + " gate until spotpack lifts it with a node affinity Karpenter simulates.")
  String autoscaler;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "spotpack's config (profiles, spot labels) for the spotpack strategy.")
  Path config;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Workload w;
    String name;
    SpotpackConfig cfg;
    try {
      cfg = config == null ? SpotpackConfig.DEFAULT : new ConfigLoader().parse(config);
      if (workload == null) {
        w = ReferenceWorkload.generate(seed);
        name = "reference workload (" + w.jobs().size() + " jobs over 24 h)";
      } else {
        w =
            new WorkloadLoader()
                .parse(Files.readString(workload, StandardCharsets.UTF_8), workload.toString());
        name = workload + " (" + w.jobs().size() + " jobs)";
      }
    } catch (NoSuchFileException e) {
      err.println("spotpack simulate: " + e.getFile() + " does not exist");
      return 2;
    } catch (ConfigException e) {
      err.println("spotpack simulate: " + e.getMessage());
      return 2;
    }
    if (!List.of("ideal", "karpenter", "karpenter-hints").contains(autoscaler)) {
      err.println(
          "spotpack simulate: --autoscaler must be ideal, karpenter or karpenter-hints, not "
              + autoscaler);
      return 2;
    }
    w =
        w.withAutoscaler(
            w.autoscaler()
                .withSeesExtender(autoscaler.equals("ideal"))
                .withSpotpackHints(autoscaler.equals("karpenter-hints")));
    long t0 = System.nanoTime();
    List<StrategyResult> results =
        new Simulator(cfg.policy())
            .run(
                w,
                seed,
                msg -> {
                  err.println(msg);
                  err.flush();
                });
    err.printf("simulated in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    out.print(
        json
            ? JsonReport.render(results, name, seed) + "\n"
            : TableReport.render(results, name, seed));
    if (report != null) {
      Files.createDirectories(report);
      Path page = report.resolve("index.html");
      Files.writeString(page, HtmlReport.render(results, name, seed), StandardCharsets.UTF_8);
      err.println("report: " + page);
    }
    out.flush();
    return 0;
  }
}
