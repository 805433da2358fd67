package dev.spotpack.policy.requests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.policy.model.ContainerRequests;
import dev.spotpack.policy.model.PodDemand;
import dev.spotpack.policy.model.PodResourceSpec;
import dev.spotpack.policy.model.Resources;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PodRequestsTest {
  static final long MI = 1024L * 1024;

  record Case(String name, PodResourceSpec spec, Resources wantRequested, Resources wantNonZero) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Resources cpuMem(long cpu, long mem) {
    return Resources.cpuMemory(cpu, mem);
  }

  static ContainerRequests app(Resources r) {
    return ContainerRequests.regular(r);
  }

  static ContainerRequests init(Resources r) {
    return new ContainerRequests(r, false);
  }

  static ContainerRequests sidecar(Resources r) {
    return ContainerRequests.sidecar(r);
  }

  static PodResourceSpec spec(List<ContainerRequests> containers, List<ContainerRequests> inits) {
    return new PodResourceSpec(containers, inits, Resources.NONE, Resources.NONE);
  }

  static Stream<Case> cases() {
    return Stream.of(
        // 500m + 250m = 750m; 1Gi + 512Mi = 1536Mi
        new Case(
            "containers add up",
            spec(List.of(app(cpuMem(500, 1024 * MI)), app(cpuMem(250, 512 * MI))), List.of()),
            cpuMem(750, 1536 * MI),
            cpuMem(750, 1536 * MI)),
        // requested: nothing; non-zero: 100m and 200Mi per container → 200m, 400Mi
        new Case(
            "missing requests get non-zero defaults per container",
            spec(List.of(app(Resources.NONE), app(Resources.NONE)), List.of()),
            Resources.NONE,
            cpuMem(200, 400 * MI)),
        // explicit 0 cpu stays 0; memory missing → 200Mi
        new Case(
            "explicit zero is not missing",
            spec(List.of(app(Resources.of(Map.of("cpu", 0L)))), List.of()),
            Resources.of(Map.of("cpu", 0L)),
            cpuMem(0, 200 * MI)),
        // containers 1000m; init 2000m alone → max(1000, 2000) = 2000m
        new Case(
            "a larger init container wins",
            spec(List.of(app(cpuMem(1000, 100 * MI))), List.of(init(cpuMem(2000, 50 * MI)))),
            cpuMem(2000, 100 * MI),
            cpuMem(2000, 100 * MI)),
        // sidecar 200m joins the containers: 1000 + 200 = 1200;
        // init declared after it runs beside it: 900 + 200 = 1100; max(1200, 1100) = 1200
        new Case(
            "sidecar adds to containers and to later init containers",
            spec(
                List.of(app(cpuMem(1000, 0))),
                List.of(sidecar(cpuMem(200, 0)), init(cpuMem(900, 0)))),
            cpuMem(1200, 0),
            cpuMem(1200, 0)),
        // containers 1000 + sidecar 200 = 1200; the init declared before the sidecar runs alone:
        // 1500;
        // max(1200, 1500) = 1500
        new Case(
            "init before a sidecar does not include it",
            spec(
                List.of(app(cpuMem(1000, 0))),
                List.of(init(cpuMem(1500, 0)), sidecar(cpuMem(200, 0)))),
            cpuMem(1500, 0),
            cpuMem(1500, 0)),
        // containers 1000 + sidecar 200 = 1200; init after sidecar 1100 + 200 = 1300 → 1300
        new Case(
            "init after a sidecar can exceed the steady state",
            spec(
                List.of(app(cpuMem(1000, 0))),
                List.of(sidecar(cpuMem(200, 0)), init(cpuMem(1100, 0)))),
            cpuMem(1300, 0),
            cpuMem(1300, 0)),
        // non-zero defaults apply to init containers too: init with no requests → 100m, 200Mi;
        // containers 50m, 100Mi → max(50, 100) = 100m, max(100Mi, 200Mi) = 200Mi
        new Case(
            "init containers get non-zero defaults too",
            spec(List.of(app(cpuMem(50, 100 * MI))), List.of(init(Resources.NONE))),
            cpuMem(50, 100 * MI),
            cpuMem(100, 200 * MI)),
        // 1000m + overhead 250m = 1250m; 2Gi + 120Mi
        new Case(
            "overhead is added on top",
            new PodResourceSpec(
                List.of(app(cpuMem(1000, 2048 * MI))),
                List.of(),
                cpuMem(250, 120 * MI),
                Resources.NONE),
            cpuMem(1250, 2168 * MI),
            cpuMem(1250, 2168 * MI)),
        // pod-level cpu 4000m replaces the container sum 1000m; memory stays from containers
        new Case(
            "pod-level requests replace the container aggregate",
            new PodResourceSpec(
                List.of(app(cpuMem(1000, 2048 * MI))),
                List.of(),
                Resources.NONE,
                Resources.of(Map.of("cpu", 4000L))),
            cpuMem(4000, 2048 * MI),
            cpuMem(4000, 2048 * MI)),
        // extended resources add up and get no default
        new Case(
            "extended resources",
            spec(
                List.of(
                    app(Resources.of(Map.of("cpu", 100L, "memory", MI, "nvidia.com/gpu", 1L))),
                    app(Resources.of(Map.of("cpu", 100L, "memory", MI, "nvidia.com/gpu", 2L)))),
                List.of()),
            Resources.of(Map.of("cpu", 200L, "memory", 2 * MI, "nvidia.com/gpu", 3L)),
            Resources.of(Map.of("cpu", 200L, "memory", 2 * MI, "nvidia.com/gpu", 3L))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void computesTheEffectiveRequest(Case c) {
    PodDemand demand = PodRequests.demand(c.spec());
    assertThat(demand.requested()).isEqualTo(c.wantRequested());
    assertThat(demand.nonZeroRequested()).isEqualTo(c.wantNonZero());
  }
}
