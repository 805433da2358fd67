package dev.spotpack.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SimulateCommandTest {
  @Test
  void printsOneJsonObjectWithTheContractsFieldsAndWritesASelfContainedReport(@TempDir Path dir)
      throws Exception {
    Path workload = dir.resolve("w.yaml");
    Files.writeString(
        workload,
        """
        durationHours: 3
        instanceTypes:
          - {name: m6i.4xlarge, cpu: 16, memoryGiB: 64, onDemandPerHour: 0.768, spotPerHour: 0.30}
        jobs:
          - {name: etl, arrivalMinute: 0, workMinutes: 60, executors: 12, executorCpu: 4, executorMemoryGiB: 14,
             repeat: {count: 4, everyMinutes: 20}}
        """);
    MainTest.Run r =
        MainTest.run(
            "simulate",
            "--workload",
            workload.toString(),
            "--json",
            "--report",
            dir.resolve("r").toString());
    assertThat(r.exitCode()).isZero();
    JsonNode json = JsonMapper.builder().build().readTree(r.out());
    assertThat(json.get("strategies")).hasSize(3);
    assertThat(json.get("strategies").get(2).get("name").stringValue()).isEqualTo("spotpack");
    for (JsonNode s : json.get("strategies")) {
      assertThat(s.propertyNames())
          .contains(
              "name",
              "nodeHours",
              "spotNodeHours",
              "onDemandNodeHours",
              "cost",
              "peakNodes",
              "meanCpuUtilization",
              "spotInterruptions",
              "executorsLost",
              "worstSpotNodeLossFraction",
              "capViolations",
              "jobsFailed");
    }
    assertThat(json.get("strategies").get(2).get("capViolations").intValue()).isZero();
    String html = Files.readString(dir.resolve("r/index.html"));
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<svg")
        .doesNotContain("<script", "http://", "https://", "@import");
  }

  @Test
  void aBadWorkloadStopsWithTheKey(@TempDir Path dir) throws Exception {
    Path workload = dir.resolve("w.yaml");
    Files.writeString(workload, "jobs: []\n");
    MainTest.Run r = MainTest.run("simulate", "--workload", workload.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("instanceTypes: is required").contains("jobs: is required");
  }
}
