package dev.spotpack.app;

import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.config.ConfigException;
import dev.spotpack.config.ConfigLoader;
import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.kube.KubeModelException;
import dev.spotpack.kube.LeanDecoding;
import dev.spotpack.kube.SnapshotFile;
import dev.spotpack.policy.Explanation;
import dev.spotpack.policy.JobReport;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.model.PodInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code spotpack explain NAMESPACE/POD}: why spotpack lets a pod onto some nodes and not others.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Why is my executor pending? Prints, for a pod, every node with spotpack's verdict and"
          + " reason, the job's size N, its caps and where its executors are, and what would let"
          + " the pod onto more nodes. kube-scheduler's FailedScheduling event merges and cuts"
          + " reasons on a large cluster; this lists every node.",
      "",
      "Only spotpack's rules are evaluated, not kube-scheduler's own filters (resources, taints,"
          + " affinity). The cluster is listed once from --kubeconfig (default: $KUBECONFIG,"
          + " ~/.kube/config, in-cluster), or read from --snapshot FILE or --example."
    })
final class ExplainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "NAMESPACE/POD",
      description = "The pod, pending or planned (NAME alone means namespace default).")
  String pod;

  @Option(names = "--config", paramLabel = "FILE", description = "spotpack's YAML config.")
  Path config;

  @Option(
      names = "--snapshot",
      paramLabel = "FILE",
      description =
          "A cluster snapshot ('kubectl get nodes,pods -A -o yaml') instead of a cluster.")
  Path snapshot;

  @Option(names = "--example", description = "The example cluster bundled in the jar.")
  boolean example;

  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig of the cluster.")
  Path kubeconfig;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  private final Clock clock;

  ExplainCommand() {
    this(Clock.systemUTC());
  }

  ExplainCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if ((snapshot != null ? 1 : 0) + (example ? 1 : 0) + (kubeconfig != null ? 1 : 0) > 1) {
      err.println("spotpack explain: give one of --snapshot FILE, --example, --kubeconfig FILE");
      return 2;
    }
    SpotpackConfig cfg;
    try {
      cfg = config == null ? SpotpackConfig.DEFAULT : new ConfigLoader().parse(config);
    } catch (NoSuchFileException e) {
      err.println("spotpack explain: config file " + config + " does not exist");
      return 2;
    } catch (ConfigException e) {
      err.println("spotpack explain: " + e.getMessage());
      return 2;
    }
    // Pods and Nodes carry only what spotpack reads (kube.LeanDecoding)
    KubernetesSerialization serialization = LeanDecoding.serialization();
    KubeModel model = new KubeModel(serialization, cfg.policy().roles().labelKeys());
    SnapshotFile reader = new SnapshotFile(serialization, model);
    ClusterState state = new ClusterState(cfg.policy().roles());
    if (snapshot != null) {
      if (!Files.isReadable(snapshot)) {
        err.println("spotpack explain: snapshot file " + snapshot + " cannot be read");
        return 2;
      }
      try {
        reader.load(snapshot, state);
      } catch (KubeModelException e) {
        err.println("spotpack explain: " + e.getMessage());
        return 2;
      }
    } else if (example) {
      reader.loadExample(state);
    } else {
      try (KubernetesClient client = ClusterWiring.client(kubeconfig, serialization)) {
        reader.load(client, state, cfg.cluster().listPageSize());
      } catch (StartupException e) {
        err.println("spotpack explain: " + e.getMessage());
        return 2;
      } catch (KubernetesClientException e) {
        err.println("spotpack explain: cannot list nodes and pods: " + e.getMessage());
        return 1;
      }
    }
    String[] parts = pod.contains("/") ? pod.split("/", 2) : new String[] {"default", pod};
    Optional<PodInfo> found = state.pod(parts[0], parts[1]);
    if (found.isEmpty()) {
      err.println(
          "spotpack explain: no pod "
              + parts[0]
              + "/"
              + parts[1]
              + " in the cluster (finished pods are not listed)");
      return 1;
    }
    ClusterSnapshot view = state.snapshot();
    Explanation explanation =
        new SpotPolicy(cfg.policy())
            .explain(found.get(), view, view.allNodes(), found.get().age(clock.instant()));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          JsonMapper.builder()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .build()
              .writeValueAsString(explanation));
    } else {
      out.print(text(explanation));
    }
    out.flush();
    return 0;
  }

  static String text(Explanation e) {
    StringBuilder out = new StringBuilder();
    out.append("pod ").append(e.pod()).append(": ").append(e.role()).append('\n');
    JobReport job = e.job();
    if (job != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "job %s: profile %s, %d executors known (%d pending), N = %d; per-node cap C = %d,"
                  + " per-pool cap P = %d, spot share limit %s; %d on spot%n",
              job.job(),
              job.profile(),
              job.executors(),
              job.pending(),
              job.jobSize(),
              job.perNodeCap(),
              job.perPoolCap(),
              job.spotShareLimit() < 0 ? "none" : Integer.toString(job.spotShareLimit()),
              job.executorsOnSpot()));
      for (JobReport.NodeCount n : job.nodes()) {
        out.append(
            String.format(
                Locale.ROOT,
                "  %-24s %3d executors%s%n",
                n.node(),
                n.executors(),
                n.spot() ? " (spot)" : ""));
      }
      for (JobReport.PoolCount p : job.pools()) {
        out.append(
            String.format(Locale.ROOT, "  pool %-19s %3d executors%n", p.pool(), p.executors()));
      }
    }
    out.append(
        String.format(
            Locale.ROOT, "nodes: %d of %d pass spotpack's rules%n", e.passing(), e.nodes().size()));
    int width = e.nodes().stream().mapToInt(n -> n.node().length()).max().orElse(4);
    for (Explanation.NodeVerdict n : e.nodes()) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %-" + width + "s  %-9s  %s%n",
              n.node(),
              n.spot() ? "spot" : "on-demand",
              n.passes() ? "passes" : "refused (" + n.rule().label() + "): " + n.reason()));
    }
    out.append("what would change it:\n");
    e.changes().forEach(c -> out.append("  - ").append(c).append('\n'));
    return out.toString();
  }
}
