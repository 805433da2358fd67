package dev.spotpack.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.spotpack.sim.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadLoaderTest {
  static final long GI = 1024L * 1024 * 1024;
  final WorkloadLoader loader = new WorkloadLoader();

  @Test
  void readsAWorkloadWithDefaultsAndRepeats() {
    Workload w =
        loader.parse(
            """
            durationHours: 6
            instanceTypes:
              - {name: m6i.4xlarge, cpu: 16, memoryGiB: 64, onDemandPerHour: 0.768, spotPerHour: 0.30}
            jobs:
              - name: etl
                arrivalMinute: 30
                workMinutes: 90
                executors: 40
                executorCpu: 4
                executorMemoryGiB: 14.5
                profile: RELIABILITY_OVER_COST
                dynamicAllocation: {minExecutors: 10}
                repeat: {count: 3, everyMinutes: 60}
            """,
            "w.yaml");
    assertThat(w.durationMinutes()).isEqualTo(360);
    assertThat(w.autoscaler()).isEqualTo(new Workload.Autoscaler(2, 5));
    assertThat(w.reclaims()).isEqualTo(Workload.SpotReclaims.DEFAULT);
    assertThat(w.zones()).containsExactly("zone-a", "zone-b", "zone-c");
    assertThat(w.jobFailureLostShare()).isEqualTo(0.3);
    assertThat(w.jobRetries()).isEqualTo(2);
    assertThat(w.instanceTypes())
        .containsExactly(new Workload.InstanceType("m6i.4xlarge", 16_000, 64 * GI, 0.768, 0.30));
    assertThat(w.jobs())
        .extracting(Workload.JobSpec::name)
        .containsExactly("etl-1", "etl-2", "etl-3");
    assertThat(w.jobs()).extracting(Workload.JobSpec::arrivalMinute).containsExactly(30, 90, 150);
    Workload.JobSpec job = w.jobs().get(0);
    assertThat(job.executorCpuMillis()).isEqualTo(4000);
    assertThat(job.executorMemoryBytes()).isEqualTo((long) (14.5 * GI));
    assertThat(job.driverCpuMillis()).isEqualTo(1000);
    assertThat(job.dynamicAllocation()).isEqualTo(new Workload.DynamicAllocation(10));
    assertThat(job.annotations())
        .containsEntry("spotpack.dev/profile", "RELIABILITY_OVER_COST")
        .containsEntry("spotpack.dev/expected-executors", "40");
  }

  @Test
  void namesEveryBadKey() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                loader.parse(
                    """
                    durationHour: 6
                    instanceTypes:
                      - {name: tiny, cpu: 2, memoryGiB: 4, onDemandPerHour: 0.1, spotPerHour: -1}
                    jobs:
                      - name: etl
                        arrivalMinute: 30
                        executors: 40
                        executorCpu: 4
                        executorMemoryGiB: 14
                        maxSpotShare: 2
                    """,
                    "w.yaml"));
    assertThat(e).isNotNull();
    assertThat(e.problems())
        .containsExactly(
            "durationHour: unknown key (known here: autoscaler, durationHours, instanceTypes,"
                + " jobFailureLostShare, jobRetries, jobs, poolReclaims,"
                + " spotInterruptionsPerNodeHour, zones)",
            "instanceTypes[0].spotPerHour: -1 is invalid: expected a number from 0.0 to 1000.0",
            "jobs[0].workMinutes: is required",
            "jobs[0].maxSpotShare: 2 is invalid: expected a decimal number from 0 to 1",
            "jobs[0]: its executors (4000m cpu, 14 GiB) fit no instance type");
  }

  @Test
  void readsZonesReclaimsAndRetries() {
    Workload w =
        loader.parse(
            """
            zones: [us-east-1a, us-east-1b]
            spotInterruptionsPerNodeHour: 0.005
            poolReclaims:
              eventsPerPoolHour: 0.1
              nodeShare: 0.75
              windowMinutes: 5
              events: [{minute: 90, instanceType: m6i.4xlarge, zone: us-east-1b}]
            jobRetries: 0
            instanceTypes:
              - {name: m6i.4xlarge, cpu: 16, memoryGiB: 64, onDemandPerHour: 0.768, spotPerHour: 0.30}
            jobs:
              - {name: etl, arrivalMinute: 0, workMinutes: 30, executors: 4, executorCpu: 4, executorMemoryGiB: 8}
            """,
            "w.yaml");
    assertThat(w.zones()).containsExactly("us-east-1a", "us-east-1b");
    assertThat(w.reclaims())
        .isEqualTo(
            new Workload.SpotReclaims(
                0.005,
                0.1,
                0.75,
                5,
                List.of(new Workload.PlannedPoolEvent(90, "m6i.4xlarge", "us-east-1b"))));
    assertThat(w.jobRetries()).isZero();
  }

  @Test
  void namesEveryBadReclaimKey() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                loader.parse(
                    """
                    zones: [a, a]
                    poolReclaims: {nodeShare: 1.5, windowMinutes: 0, events: [{minute: 5, zone: a}], often: true}
                    jobRetries: -1
                    instanceTypes:
                      - {name: m, cpu: 16, memoryGiB: 64, onDemandPerHour: 0.768, spotPerHour: 0.30}
                    jobs:
                      - {name: etl, arrivalMinute: 0, workMinutes: 30, executors: 4, executorCpu: 4, executorMemoryGiB: 8}
                    """,
                    "w.yaml"));
    assertThat(e).isNotNull();
    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "zones[1]: repeats a",
            "poolReclaims.often: unknown key (known here: events, eventsPerPoolHour, nodeShare,"
                + " windowMinutes)",
            "poolReclaims.events[0].instanceType: is required",
            "poolReclaims.nodeShare: 1.5 is invalid: expected a number from 0.0 to 1.0",
            "poolReclaims.windowMinutes: 0 is invalid: expected a whole number from 1 to 1440",
            "jobRetries: -1 is invalid: expected a whole number from 0 to 100");
  }
}
