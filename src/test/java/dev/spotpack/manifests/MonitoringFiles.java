package dev.spotpack.manifests;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The alert rules and the dashboard of manifests/monitoring, read for the tests that check them.
 */
public final class MonitoringFiles {
  static final Path DIR = Path.of("manifests/monitoring");

  private MonitoringFiles() {}

  static JsonNode rules() throws IOException {
    return new YAMLMapper().readTree(DIR.resolve("spotpack-rules.yaml").toFile());
  }

  static List<String> dashboardExprs() throws IOException {
    JsonNode dashboard =
        JsonMapper.builder().build().readTree(DIR.resolve("grafana-dashboard.json").toFile());
    List<String> exprs = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").stringValue())));
    return exprs;
  }

  /** Every expression of the rules and the dashboard. */
  public static List<String> allExprs() throws IOException {
    List<String> exprs = new ArrayList<>(dashboardExprs());
    rules()
        .path("groups")
        .forEach(g -> g.path("rules").forEach(r -> exprs.add(r.path("expr").stringValue())));
    return exprs;
  }
}
