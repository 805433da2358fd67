package dev.spotpack.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code spotpack explain} on the bundled example cluster: job spark-7f3 has 11 executors known (3
 * on spot-a, 2 on spot-b, 6 pending), BALANCED: N = 11, C = max(1, floor(0.25 x 11)) = 2, P =
 * max(2, floor(0.5 x 11)) = 5; spot-a (3) and spot-b (2) are at C, spot-c and the on-demand nodes
 * pass.
 */
class ExplainCommandTest {
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli =
        new CommandLine(
            new ExplainCommand(Clock.fixed(Instant.parse("2026-11-22T10:20:00Z"), ZoneOffset.UTC)));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void listsEveryNodeWithItsVerdictAndTheJobsCaps() {
    Run r = run("spark/spark-7f3-exec-11", "--example");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .startsWith("pod spark/spark-7f3-exec-11: executor of job spark-7f3\n")
        .contains(
            "job spark-7f3: profile BALANCED, 11 executors known (6 pending), N = 11; per-node"
                + " cap C = 2, per-pool cap P = 5, spot share limit none; 5 on spot\n")
        .contains("nodes: 3 of 5 pass spotpack's rules\n")
        .contains("  od-1    on-demand  passes\n")
        .contains(
            "  spot-a  spot       refused (per_node_cap): spot node: job spark-7f3 already has 3"
                + " of its 11 executors here (cap 2 = 25%); limit set by spotpack\n")
        .contains("  spot-c  spot       passes\n")
        .contains("  - 2 spot node(s) hold the job's per-node cap C = 2 of N = 11");
  }

  @Test
  void jsonIsTheSameExplanationForTools() throws Exception {
    Run r = run("spark/spark-7f3-exec-11", "--example", "--json");
    assertThat(r.exit()).isZero();
    JsonNode e = JsonMapper.builder().build().readTree(r.out());
    assertThat(e.path("job").path("perNodeCap").intValue()).isEqualTo(2);
    assertThat(e.path("nodes")).hasSize(5);
    assertThat(e.path("nodes").get(2).path("node").stringValue()).isEqualTo("spot-a");
    assertThat(e.path("nodes").get(2).path("rule").stringValue()).isEqualTo("PER_NODE_CAP");
  }

  @Test
  void aPodNotInTheClusterIsNamed() {
    Run r = run("spark/nope", "--example");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "spotpack explain: no pod spark/nope in the cluster (finished pods are not listed)\n");
  }

  @Test
  void oneSourceOnly() {
    Run r = run("spark/x", "--example", "--snapshot", "cluster.yaml");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("spotpack explain: give one of --snapshot FILE, --example, --kubeconfig FILE\n");
  }

  /** A bad config names its key; files it names (TLS) are not needed to explain. */
  @Test
  void aBadConfigIsOneLineAndTlsFilesAreNotNeeded(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "cluster:\n  bindThreads: 0\n");
    Run r = run("spark/spark-7f3-exec-11", "--example", "--config", bad.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("spotpack explain: invalid config " + bad)
        .contains("cluster.bindThreads: 0 is invalid");

    Path tls =
        Files.writeString(
            dir.resolve("tls.yaml"),
            "server:\n"
                + "  tls:\n"
                + "    certFile: /nonexistent/tls.crt\n"
                + "    keyFile: /nonexistent/tls.key\n");
    assertThat(run("spark/spark-7f3-exec-11", "--example", "--config", tls.toString()).exit())
        .isZero();
  }
}
