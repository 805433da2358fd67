package dev.spotpack.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class MainTest {
  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * {@code simulate --json} with {@code args}: its strategies, checked to be LeastAllocated,
   * MostAllocated and spotpack in that order.
   */
  static JsonNode simulatedStrategies(String... args) {
    List<String> command = new ArrayList<>(List.of("simulate", "--json"));
    command.addAll(List.of(args));
    Run r = run(command.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode strategies = JsonMapper.builder().build().readTree(r.out()).get("strategies");
    assertThat(strategies.get(0).get("name").stringValue()).isEqualTo("LeastAllocated");
    assertThat(strategies.get(1).get("name").stringValue()).isEqualTo("MostAllocated");
    assertThat(strategies.get(2).get("name").stringValue()).isEqualTo("spotpack");
    return strategies;
  }

  @Test
  void helpNamesTheCommands() {
    Run r = run("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("serve").contains("spot");
  }

  @Test
  void serveHelpExplainsEveryFlag() {
    Run r = run("serve", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("--config", "--snapshot", "--example", "--port", "--management-port", "--host");
  }

  @Test
  void aBadConfigStopsStartupNamingTheKey(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("spotpack.yaml");
    Files.writeString(config, "spot:\n  allowDriver: true\nprofiles:\n  default: NOPE\n");
    Run r =
        run(
            "serve",
            "--example",
            "--config",
            config.toString(),
            "--port",
            "0",
            "--management-port",
            "0");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("invalid config " + config)
        .contains("spot.allowDriver: unknown key")
        .contains("profiles.default: \"NOPE\" is not a defined profile");
  }

  @Test
  void aMissingSnapshotIsNamed() {
    Run r = run("serve", "--snapshot", "/nonexistent/cluster.yaml");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("snapshot file /nonexistent/cluster.yaml does not exist");
  }

  @Test
  void aSnapshotThatIsNotAListIsNamed(@TempDir Path dir) throws Exception {
    Path snapshot = dir.resolve("s.yaml");
    Files.writeString(snapshot, "hello: world\n");
    Run r = run("serve", "--snapshot", snapshot.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(snapshot.toString());
  }

  @Test
  void aMissingKubeconfigIsNamed() {
    Run r = run("serve", "--kubeconfig", "/nonexistent/kubeconfig");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("kubeconfig /nonexistent/kubeconfig does not exist");
  }

  @Test
  void kubeconfigDoesNotGoWithASnapshot() {
    Run r = run("serve", "--example", "--kubeconfig", "/tmp/k");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--kubeconfig is for a live cluster");
  }
}
