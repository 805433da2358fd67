package dev.spotpack.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The alert rules and the dashboard in manifests/monitoring: the rules pass {@code promtool check
 * rules}, each alert fires and stays quiet where its unit test says ({@code promtool test rules}),
 * the PrometheusRule carries the same groups as the rule file, and every dashboard query is valid
 * PromQL. promtool comes from Debian's prometheus package, which .ci/run installs; where it is
 * missing, the promtool checks are skipped with that reason. That the metric names exist is checked
 * against live scrapes by {@code MonitoringNamesE2EIT}.
 */
class MonitoringRulesTest {
  static final Path DIR = MonitoringFiles.DIR;

  static Optional<Path> promtool() {
    return Stream.concat(
            Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).map(Path::of),
            Stream.of(Path.of("/usr/bin")))
        .map(d -> d.resolve("promtool"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  static String run(Path dir, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
    return out;
  }

  @Test
  void theRulesAreValidAndEachAlertFiresOnlyWhereItShould() throws Exception {
    Optional<Path> promtool = promtool();
    assumeTrue(promtool.isPresent(), "promtool not installed (Debian package prometheus)");
    assertThat(run(DIR, promtool.get().toString(), "check", "rules", "spotpack-rules.yaml"))
        .contains("SUCCESS: 9 rules found");
    assertThat(run(DIR, promtool.get().toString(), "test", "rules", "spotpack-rules-test.yaml"))
        .contains("SUCCESS");
  }

  @Test
  void everyAlertHasAUnitTest() throws IOException {
    List<String> alerts = new ArrayList<>();
    MonitoringFiles.rules()
        .path("groups")
        .forEach(g -> g.path("rules").forEach(r -> alerts.add(r.path("alert").stringValue())));
    JsonNode tests = new YAMLMapper().readTree(DIR.resolve("spotpack-rules-test.yaml").toFile());
    List<String> tested = new ArrayList<>();
    tests
        .path("tests")
        .forEach(
            t ->
                t.path("alert_rule_test")
                    .forEach(
                        a -> {
                          if (!a.path("exp_alerts").isEmpty()) {
                            tested.add(a.path("alertname").stringValue());
                          }
                        }));
    assertThat(tested).as("alerts with a case where they fire").containsAll(alerts);
  }

  @Test
  void thePrometheusRuleCarriesTheRuleFilesGroups() throws IOException {
    JsonNode rule = new YAMLMapper().readTree(DIR.resolve("prometheusrule.yaml").toFile());
    assertThat(rule.path("kind").stringValue()).isEqualTo("PrometheusRule");
    assertThat(rule.path("spec").path("groups")).isEqualTo(MonitoringFiles.rules().path("groups"));
  }

  @Test
  void everyDashboardQueryIsValidPromQl(@TempDir Path tmp) throws Exception {
    List<String> exprs = MonitoringFiles.dashboardExprs();
    assertThat(exprs).hasSizeGreaterThan(10);
    Optional<Path> promtool = promtool();
    assumeTrue(promtool.isPresent(), "promtool not installed (Debian package prometheus)");
    // promtool parses the expression of a recording rule: one per query
    StringBuilder file = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    for (int i = 0; i < exprs.size(); i++) {
      file.append("      - record: dashboard:query_")
          .append(i)
          .append('\n')
          .append("        expr: '")
          .append(exprs.get(i).replace("'", "''"))
          .append("'\n");
    }
    Files.writeString(tmp.resolve("dashboard-queries.yaml"), file);
    assertThat(run(tmp, promtool.get().toString(), "check", "rules", "dashboard-queries.yaml"))
        .contains("SUCCESS: " + exprs.size() + " rules found");
  }
}
