package dev.spotpack.cluster;

import static dev.spotpack.testing.Build.executor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.PodRoles;
import org.junit.jupiter.api.Test;

/**
 * The state finds an unbound pod by the uid and resourceVersion its informer read it at, and only
 * by exactly those: a filter call about that version takes it instead of converting its own copy.
 */
class PendingPodTest {
  private final ClusterState state = new ClusterState(PodRoles.SPARK);
  private final PodInfo pending = executor("j", "a").requests(1000, 100).build();

  @Test
  void findsAnUnboundPodAtTheVersionItWasReadAt() {
    state.upsertPod(pending, "7");

    assertThat(state.pendingPod(pending.uid(), "7")).isEqualTo(pending);
    assertThat(state.pendingPod(pending.uid(), "8")).isNull(); // a version the informer never read
    assertThat(state.pendingPod("another-uid", "7")).isNull();
  }

  @Test
  void aNewerVersionReplacesTheOlder() {
    state.upsertPod(pending, "7");
    PodInfo relabelled = executor("j", "a").requests(2000, 100).build();
    state.upsertPod(relabelled, "8");

    assertThat(state.pendingPod(pending.uid(), "7")).isNull();
    assertThat(state.pendingPod(pending.uid(), "8")).isEqualTo(relabelled);
  }

  @Test
  void forgetsThePodOnceItIsBound() {
    state.upsertPod(pending, "7");
    state.upsertPod(pending.boundTo("n1"), "9");

    assertThat(state.pendingPod(pending.uid(), "7")).isNull();
    assertThat(state.pendingPod(pending.uid(), "9")).isNull(); // bound: no filter asks about it
  }

  @Test
  void forgetsThePodWhenItIsDeletedByUidOrByName() {
    PodInfo other = executor("j", "b").build();
    state.upsertPod(pending, "7");
    state.upsertPod(other, "3");

    state.removePod(pending.uid());
    state.removePod(other.namespace(), other.name()); // a relist's deletion knows only the name

    assertThat(state.pendingPod(pending.uid(), "7")).isNull();
    assertThat(state.pendingPod(other.uid(), "3")).isNull();
  }

  @Test
  void recordsNothingWithoutAVersion() {
    state.upsertPod(pending); // a snapshot file's pod, or a pod seen in a call
    state.upsertPod(executor("j", "b").build(), "");

    assertThat(state.pendingPod(pending.uid(), "")).isNull();
    assertThat(state.pendingPod(executor("j", "b").build().uid(), "")).isNull();
  }
}
