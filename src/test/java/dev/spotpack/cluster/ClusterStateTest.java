package dev.spotpack.cluster;

import static dev.spotpack.testing.Build.executor;
import static dev.spotpack.testing.Build.spotNode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.bind.BindRequest;
import dev.spotpack.bind.BindResult;
import dev.spotpack.policy.model.NodeInfo;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.model.Resources;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.testing.Build;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterStateTest {
  private final ClusterState state = new ClusterState(PodRoles.SPARK);

  @Test
  void indexesUsageAndExecutorsAndUndoesThemOnRemoval() {
    state.upsertNode(spotNode("n1"));
    PodInfo a = executor("j", "a").on("n1").requests(1000, 100).build();
    PodInfo b = executor("j", "b").requests(500, 50).build();
    state.upsertPod(a);
    state.upsertPod(b);

    ClusterSnapshot s = state.snapshot();
    assertThat(s.nonZeroRequestedOn("n1")).isEqualTo(Resources.cpuMemory(1000, 100));
    assertThat(s.job("j").count()).isEqualTo(2);
    assertThat(s.job("j").countOn("n1", "")).isEqualTo(1);

    state.removePod(a.uid());
    ClusterSnapshot after = state.snapshot();
    assertThat(after.nonZeroRequestedOn("n1")).isEqualTo(Resources.NONE);
    assertThat(after.job("j").count()).isEqualTo(1);
    // the earlier snapshot is unchanged: readers never see a change under their feet
    assertThat(s.job("j").count()).isEqualTo(2);
  }

  @Test
  void anUpdateMovesThePodWithoutCountingItTwice() {
    PodInfo pending = executor("j", "a").requests(1000, 100).build();
    state.upsertPod(pending);
    state.upsertPod(pending.boundTo("n1"));
    state.upsertPod(pending.boundTo("n1"));

    ClusterSnapshot s = state.snapshot();
    assertThat(s.job("j").count()).isEqualTo(1);
    assertThat(s.job("j").pendingExecutorUids()).isEmpty();
    assertThat(s.nonZeroRequestedOn("n1")).isEqualTo(Resources.cpuMemory(1000, 100));
  }

  @Test
  void anExecutorMarkedInactiveStopsCountingButKeepsItsResources() {
    PodInfo a = executor("j", "a").on("n1").requests(1000, 100).build();
    state.upsertPod(a);
    state.upsertPod(
        executor("j", "a")
            .on("n1")
            .requests(1000, 100)
            .label("spark-exec-inactive", "true")
            .build());

    assertThat(state.snapshot().job("j").count()).isZero();
    assertThat(state.snapshot().nonZeroRequestedOn("n1")).isEqualTo(Resources.cpuMemory(1000, 100));
  }

  @Test
  void aSnapshotIsReusedUntilSomethingChanges() {
    ClusterSnapshot first = state.snapshot();
    assertThat(state.snapshot()).isSameAs(first);
    state.upsertNode(spotNode("n1"));
    ClusterSnapshot second = state.snapshot();
    assertThat(second).isNotSameAs(first);
    // a node update that changes nothing spotpack reads (a status heartbeat) publishes nothing
    state.upsertNode(spotNode("n1"));
    assertThat(state.snapshot()).isSameAs(second);
  }

  /**
   * Updates keep the node's first name instance and, when nothing changed, the node object itself;
   * a pod on the node shares that instance.
   */
  @Test
  void aNodeKeepsItsFirstNameInstanceAcrossUpdates() {
    NodeInfo first = Build.node(new String("n9"), 16_000, 64 * Build.GI, Map.of("a", "1"));
    state.upsertNode(first);
    String key = state.snapshot().node("n9").name();
    assertThat(key).isSameAs(first.name());

    state.upsertNode(Build.node(new String("n9"), 16_000, 64 * Build.GI, Map.of("a", "1")));
    assertThat(state.snapshot().node("n9")).isSameAs(first);

    NodeInfo relabelled = Build.node(new String("n9"), 8_000, 64 * Build.GI, Map.of("a", "2"));
    state.upsertNode(relabelled);
    NodeInfo now = state.snapshot().node("n9");
    assertThat(now).isEqualTo(relabelled);
    assertThat(now.name()).isSameAs(key);
    assertThat(state.snapshot().nodeNames()).singleElement().isSameAs(key);

    PodInfo kept = state.upsertPod(executor("j", "p").on(new String("n9")).build());
    assertThat(kept.nodeName()).isSameAs(key);
    assertThat(state.snapshot().nonZeroRequestedOn(key)).isNotEqualTo(Resources.NONE);
  }

  @Test
  void addIfAbsentKeepsTheRecordedPod() {
    PodInfo bound = executor("j", "a").on("n1").build();
    state.upsertPod(bound);
    assertThat(state.addIfAbsent(bound.boundTo(null))).isFalse();
    assertThat(state.snapshot().job("j").countOn("n1", "")).isEqualTo(1);
  }

  @Test
  void theSnapshotBinderRecordsOnceAndAcceptsARetry() {
    state.upsertNode(spotNode("n1"));
    state.upsertNode(spotNode("n2"));
    PodInfo p = executor("j", "a").build();
    state.upsertPod(p);
    SnapshotBinder binder = new SnapshotBinder(state);
    BindRequest toN1 = new BindRequest("spark", "a", p.uid(), "n1");

    assertThat(binder.bind(toN1).toCompletableFuture().join()).isEqualTo(BindResult.bound());
    assertThat(binder.bind(toN1).toCompletableFuture().join()).isEqualTo(BindResult.bound());
    assertThat(state.snapshot().job("j").countOn("n1", "")).isEqualTo(1);
    assertThat(state.snapshot().nonZeroRequestedOn("n1")).isEqualTo(p.demand().nonZeroRequested());

    assertThat(
            binder.bind(new BindRequest("spark", "a", p.uid(), "n2")).toCompletableFuture().join())
        .isEqualTo(BindResult.failed("pod spark/a is already bound to node n1"));
    assertThat(
            binder.bind(new BindRequest("spark", "a", p.uid(), "n9")).toCompletableFuture().join())
        .isEqualTo(BindResult.failed("node n9 is not in the snapshot"));
  }
}
