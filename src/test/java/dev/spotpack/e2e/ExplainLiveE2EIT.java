package dev.spotpack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code spotpack explain --kubeconfig} against a real kube-apiserver: two spot nodes, a job of 8
 * executors (BALANCED: C = max(1, floor(0.25 x 8)) = 2) with 2 bound on spot-1 and 1 on spot-2, and
 * a pending one: spot-1 is refused by the per-node cap, spot-2 passes.
 */
class ExplainLiveE2EIT {
  @Test
  void explainsAPendingExecutorFromTheLiveCluster() throws Exception {
    KubeBinaries.Found bin = KubeBinaries.locate();
    assumeTrue(bin.dir().isPresent(), () -> "local control plane unavailable: " + bin.reason());
    Path dir = Path.of("target/e2e/explain-" + System.currentTimeMillis()).toAbsolutePath();
    try (LocalControlPlane.ApiServer api = LocalControlPlane.startApiServer(bin.dir().get(), dir)) {
      KubernetesClient client = api.client();
      for (String node : new String[] {"spot-1", "spot-2"}) {
        FakeNodes.create(client, node, Map.of("karpenter.sh/capacity-type", "spot"));
      }
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("spark").endMetadata().build())
          .create();
      String[] placement = {"spot-1", "spot-1", "spot-2", null, null, null, null, null};
      for (int i = 0; i < placement.length; i++) {
        client
            .pods()
            .inNamespace("spark")
            .resource(FakeNodes.executor("exec-" + i, "job-1", placement[i]))
            .create();
      }

      String defaults = explain(api.kubeconfig().toString());
      assertThat(defaults)
          .contains("8 executors known (5 pending), N = 8; per-node cap C = 2")
          .contains("nodes: 1 of 2 pass spotpack's rules")
          .contains("spot-1  spot       refused (per_node_cap)")
          .contains("spot-2  spot       passes");
      // listed in pages of 3 (cluster.listPageSize): 2 nodes in one page, 8 pods in three
      Path config = dir.resolve("pages-of-3.yaml");
      Files.writeString(config, "cluster:\n  listPageSize: 3\n");
      assertThat(explain(api.kubeconfig().toString(), "--config", config.toString()))
          .isEqualTo(defaults);
    }
  }

  /** {@code spotpack explain spark/exec-7 --kubeconfig KUBECONFIG [more]}: its output. */
  private static String explain(String kubeconfig, String... more) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new dev.spotpack.app.Main());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> args =
        new ArrayList<>(List.of("explain", "spark/exec-7", "--kubeconfig", kubeconfig));
    args.addAll(List.of(more));
    int exit = cli.execute(args.toArray(String[]::new));
    assertThat(exit).as(err.toString()).isZero();
    return out.toString();
  }
}
