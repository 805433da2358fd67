package dev.spotpack.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.PlacementGate;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.policy.spot.Profiles;
import dev.spotpack.policy.spot.SpotNodes;
import dev.spotpack.testing.Build;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's bookkeeping while its patches are out: a release counts in flight from the
 * moment it is decided, an executor whose patch is out is not decided twice, a refused patch leaves
 * the executor gated with its newest version, and a lifted one is not gated again by a late event.
 *
 * <p>Passes are run by hand, and the patches when the test says: they are queued, not sent.
 *
 * <p>The job: four executors, the BALANCED profile (per node f = 0.25, per pool 0.5): node cap
 * max(1, floor(0.25 x 4)) = 1, pool cap max(1, floor(0.5 x 4)) = 2, so at most 2 are released for
 * spot and not yet bound.
 */
class GateControllerTest {
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  final KubernetesClient client = new KubernetesClientBuilder().build(); // never connects here
  final KubeModel model = new KubeModel(SERIALIZATION, PodRoles.SPARK.labelKeys());
  final ClusterState state = new ClusterState(PodRoles.SPARK);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  static final Instant NOW = Instant.parse("2026-12-05T00:00:00Z");
  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  /** The passes the controller queues itself: kept, never run (the test calls pass()). */
  final ScheduledThreadPoolExecutor passes =
      new ScheduledThreadPoolExecutor(1) {
        @Override
        public void execute(Runnable command) {}
      };

  final List<Runnable> queuedPatches = new ArrayList<>();
  final List<String> sent = new ArrayList<>(); // "name resourceVersion"
  final Deque<KubernetesClientException> failures = new ArrayDeque<>(); // next answers; else taken

  final GateController controller =
      new GateController(
          client,
          (namespace, name, mergePatch) -> {
            sent.add(name + " " + resourceVersion(mergePatch));
            KubernetesClientException failure = failures.poll();
            if (failure != null) {
              throw failure;
            }
          },
          state,
          new PlacementGate(PodRoles.SPARK, SpotNodes.DEFAULT, Profiles.DEFAULT),
          PodRoles.SPARK,
          () -> true,
          passes,
          queuedPatches::add,
          registry,
          clock);

  @AfterEach
  void close() {
    passes.shutdownNow();
    client.close();
  }

  @Test
  void releasesWhosePatchesAreOutCountInFlight() {
    for (int i = 1; i <= 4; i++) {
      seen(executor(i, "1"));
    }

    controller.pass();
    assertThat(queuedPatches).hasSize(2); // pool cap 2: exec-3 and exec-4 held
    String why =
        "job j1 has 2 executors released for spot and not yet bound; pool cap 2 = max(node cap 1,"
            + " floor(0.5 x 4)): waiting for some to be bound";
    assertThat(controller.held())
        .containsExactly(
            new PlacementGate.Held("spark/exec-3", why),
            new PlacementGate.Held("spark/exec-4", why));
    controller.pass(); // nothing answered yet: the two still count, and are not decided again
    assertThat(queuedPatches).hasSize(2);

    sendQueued();
    assertThat(sent).containsExactly("exec-1 1", "exec-2 1");
    assertThat(gatedGauge()).isEqualTo(2.0); // exec-3, exec-4
    controller.pass(); // released and not yet bound: still in flight
    assertThat(queuedPatches).isEmpty();
    assertThat(releases()).isEqualTo(2.0);
  }

  @Test
  void aRefusedPatchLeavesTheExecutorGatedAndItsNewestVersionIsDecidedNext() {
    seen(executor(1, "1"));
    controller.pass();
    assertThat(queuedPatches).hasSize(1);
    seen(executor(1, "2")); // the pod changed while the patch was out
    failures.add(new KubernetesClientException(new StatusBuilder().withCode(409).build()));

    sendQueued();
    assertThat(gatedGauge()).isEqualTo(1.0); // refused: still gated
    controller.pass();
    sendQueued();

    assertThat(sent).containsExactly("exec-1 1", "exec-1 2");
    assertThat(gatedGauge()).isZero();
    assertThat(releases()).isEqualTo(1.0);
    assertThat(patchErrors()).isZero(); // a conflict is the normal way to learn of a change
  }

  @Test
  void aPatchRefusedForAnotherReasonIsCountedAndRetried() {
    seen(executor(1, "1"));
    failures.add(new KubernetesClientException(new StatusBuilder().withCode(403).build()));

    controller.pass();
    sendQueued();
    controller.pass();
    sendQueued();

    assertThat(sent).containsExactly("exec-1 1", "exec-1 1");
    assertThat(patchErrors()).isEqualTo(1.0);
    assertThat(releases()).isEqualTo(1.0);
  }

  @Test
  void anExecutorGoneWhileItsPatchWasOutIsForgotten() {
    seen(executor(1, "1"));
    controller.pass();
    failures.add(new KubernetesClientException(new StatusBuilder().withCode(404).build()));

    sendQueued();
    controller.pass();

    assertThat(queuedPatches).isEmpty();
    assertThat(gatedGauge()).isZero();
  }

  @Test
  void aLateEventOfTheGatedVersionDoesNotGateALiftedExecutorAgain() {
    Pod gatedVersion = executor(1, "1");
    seen(gatedVersion);
    controller.pass();
    sendQueued();

    // the informer's copy from before the patch, late
    controller.upserted(gatedVersion, model.toPodInfo(gatedVersion));
    controller.pass();

    assertThat(sent).containsExactly("exec-1 1");
    assertThat(gatedGauge()).isZero();
  }

  @Test
  void aVersionSeenWhileThePatchWasOutIsNotDecidedUntilThePatchIsAnswered() {
    seen(executor(1, "1"));
    controller.pass();
    seen(executor(1, "2"));

    controller.pass(); // the patch of version 1 is still out

    assertThat(queuedPatches).hasSize(1);
    sendQueued();
    assertThat(sent).containsExactly("exec-1 1");
    assertThat(gatedGauge()).isZero();
  }

  @Test
  void executorsSpotpackCannotReadAreReleasedAsTheyAre() {
    for (int i = 1; i <= 4; i++) {
      controller.upserted(executor(i, "1"), null); // what the feed passes when it cannot convert
    }

    controller.pass();
    sendQueued();

    // no cap holds them: 4 of 4, where 4 readable executors of one job release 2 (above)
    assertThat(sent).containsExactlyInAnyOrder("exec-1 1", "exec-2 1", "exec-3 1", "exec-4 1");
    assertThat(gatedGauge()).isZero();
  }

  /**
   * exec-0 runs on the job's only spot pool, exec-1 is released (1 + 0 + 1 <= 2); for exec-2 the
   * pool is at the cap only with exec-1 in flight (1 + 1 + 1 > 2; 1 + 1 <= 2 without it), so it
   * waits PlacementGate.IN_FLIGHT_WAIT after its creation, by the injected clock, and then goes
   * with the pool excluded; exec-3 waits either way.
   */
  @Test
  void anExecutorHeldForThoseInFlightIsReleasedOnceItsWaitIsOver() {
    state.upsertNode(
        Build.node(
            "spot-1",
            16_000,
            64 * Build.GI,
            Map.of(
                "karpenter.sh/capacity-type", "spot",
                "node.kubernetes.io/instance-type", "m",
                "topology.kubernetes.io/zone", "z1")));
    seen(createdAgo(bound(0, "spot-1"), 60));
    seen(createdAgo(executor(1, "1"), 30));
    seen(createdAgo(executor(2, "1"), 9));
    seen(createdAgo(executor(3, "1"), 1));

    controller.pass();
    sendQueued();
    assertThat(sent).containsExactly("exec-1 1"); // exec-2 is 9 s old

    seen(createdAgo(executor(2, "2"), 10)); // the same pod, as if 10 s old now
    controller.pass();
    sendQueued();
    assertThat(sent).containsExactly("exec-1 1", "exec-2 2");
    assertThat(gatedGauge()).isEqualTo(1.0); // exec-3: two in flight, the pool cap
  }

  private static Pod createdAgo(Pod pod, long seconds) {
    pod.getMetadata().setCreationTimestamp(NOW.minusSeconds(seconds).toString());
    return pod;
  }

  /** Executor {@code i} of job j1, not gated, bound to {@code node}. */
  private static Pod bound(int i, String node) {
    Pod pod = executor(i, "1");
    pod.getSpec().setSchedulingGates(List.of());
    pod.getSpec().setNodeName(node);
    return pod;
  }

  /** What the informer would do with an event: the state first, then the controller. */
  private void seen(Pod pod) {
    PodInfo info = model.toPodInfo(pod);
    state.upsertPod(info);
    controller.upserted(pod, info);
  }

  private void sendQueued() {
    List<Runnable> now = new ArrayList<>(queuedPatches);
    queuedPatches.clear();
    now.forEach(Runnable::run);
  }

  private double gatedGauge() {
    return registry.get("spotpack.gated.executors").gauge().value();
  }

  private double releases() {
    return registry.get("spotpack.gate.releases").tag("placement", "spot").counter().count();
  }

  private double patchErrors() {
    return registry.get("spotpack.gate.patch.errors").counter().count();
  }

  private static String resourceVersion(String mergePatch) {
    return SERIALIZATION.unmarshal(mergePatch, Pod.class).getMetadata().getResourceVersion();
  }

  /** Executor {@code i} of job j1, gated, at {@code resourceVersion}. */
  private static Pod executor(int i, String resourceVersion) {
    return SERIALIZATION.unmarshal(
        """
        {"metadata":{"name":"exec-%d","namespace":"spark","uid":"uid-%d",
          "resourceVersion":"%s",
          "labels":{"spark-app-selector":"j1","spark-role":"executor"}},
         "spec":{"schedulerName":"spotpack-scheduler",
          "schedulingGates":[{"name":"spotpack.dev/placement"}],
          "containers":[{"name":"e","image":"e:1",
            "resources":{"requests":{"cpu":"1","memory":"1Gi"}}}]}}
        """
            .formatted(i, i, resourceVersion),
        Pod.class);
  }
}
