package dev.spotpack.cluster;

import static dev.spotpack.testing.Build.executor;
import static dev.spotpack.testing.Build.spotNode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.policy.model.InFlight;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.PodRoles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Placements spotpack made before the informer reports them, with a fake clock. */
class AssumptionsTest {
  static final Duration TTL = Duration.ofSeconds(120);
  final AtomicLong nanos = new AtomicLong();
  final List<String> events = new ArrayList<>();
  ClusterState state;

  @BeforeEach
  void setUp() {
    state =
        new ClusterState(
            PodRoles.SPARK,
            nanos::get,
            TTL,
            new AssumptionListener() {
              @Override
              public void confirmed(PodInfo pod, Duration lag) {
                events.add("confirmed " + pod.name() + " after " + lag.toMillis() + "ms");
              }

              @Override
              public void expired(PodInfo pod, String node) {
                events.add("expired " + pod.name() + " on " + node);
              }
            });
    state.upsertNode(spotNode("n1"));
    state.upsertNode(spotNode("n2"));
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  int onN1() {
    return state.snapshot().job("j").countOn("n1", "");
  }

  @Test
  void aPlacementCountsAtOnceAndStaleUpdatesDoNotUndoIt() {
    PodInfo pending = executor("j", "a").build();
    state.upsertPod(pending);
    assertThat(state.assumeBound(pending.uid(), "n1")).isTrue();
    assertThat(onN1()).isEqualTo(1);

    // a status update written before the binding arrives late: still pending in the informer
    state.upsertPod(pending);
    assertThat(onN1()).isEqualTo(1);
    assertThat(state.snapshot().nonZeroRequestedOn("n1"))
        .isEqualTo(pending.demand().nonZeroRequested());
  }

  @Test
  void theInformerConfirmsAndTheRecordEnds() {
    PodInfo pending = executor("j", "a").build();
    state.upsertPod(pending);
    state.assumeBound(pending.uid(), "n1");
    advance(Duration.ofMillis(350));

    state.upsertPod(pending.boundTo("n1"));
    assertThat(onN1()).isEqualTo(1);
    assertThat(state.assumedCount()).isZero();
    assertThat(events).containsExactly("confirmed a after 350ms");

    // long after the time-to-live, the pod stays where the informer says
    advance(TTL.multipliedBy(2));
    assertThat(onN1()).isEqualTo(1);
  }

  @Test
  void theInformerWinsWhenItShowsAnotherNode() {
    PodInfo pending = executor("j", "a").build();
    state.upsertPod(pending);
    state.assumeBound(pending.uid(), "n1");
    state.upsertPod(pending.boundTo("n2"));
    assertThat(onN1()).isZero();
    assertThat(state.snapshot().job("j").countOn("n2", "")).isEqualTo(1);
  }

  @Test
  void anUnconfirmedPlacementExpiresAfterItsTimeToLive() {
    PodInfo pending = executor("j", "a").build();
    state.upsertPod(pending);
    state.assumeBound(pending.uid(), "n1");

    advance(TTL.minusSeconds(1));
    assertThat(onN1()).isEqualTo(1);
    advance(Duration.ofSeconds(2));
    assertThat(onN1()).isZero();
    assertThat(state.snapshot().job("j").pendingExecutorUids()).containsExactly(pending.uid());
    assertThat(events).containsExactly("expired a on n1");
  }

  @Test
  void aDeletedPodStopsCountingAtOnce() {
    PodInfo pending = executor("j", "a").build();
    state.upsertPod(pending);
    state.assumeBound(pending.uid(), "n1");
    state.removePod(pending.uid());
    assertThat(onN1()).isZero();
    assertThat(state.snapshot().job("j").count()).isZero();
    assertThat(state.snapshot().nonZeroRequestedOn("n1").amounts()).isEmpty();
  }

  @Test
  void aPodSeenOnlyInAFilterCallCountsUntilItExpires() {
    PodInfo seen = executor("j", "a").build();
    assertThat(state.observe(seen)).isTrue();
    assertThat(state.observe(seen)).isFalse();
    assertThat(state.snapshot().job("j").count()).isEqualTo(1);

    // it can be bound before the informer has ever shown it
    assertThat(state.assumeBound(seen.uid(), "n1")).isTrue();
    assertThat(onN1()).isEqualTo(1);

    advance(TTL.plusSeconds(1));
    assertThat(state.snapshot().job("j").count()).isZero();
  }

  @Test
  void aRelistDeletionByNameRemovesThePod() {
    PodInfo bound = executor("j", "a").on("n1").build();
    state.upsertPod(bound);
    state.removePod(bound.namespace(), bound.name());
    assertThat(onN1()).isZero();
  }

  @Test
  void aPodInFlightCountsOnEachNodeTheFilterAllowedUntilItsBindArrives() {
    PodInfo pending = executor("j", "a").build();
    state.upsertPod(pending);
    state.inFlight(pending, toNodes("n1", "n2"));
    // counted once on each possible node, and once (not twice) on spot as a whole
    assertThat(state.snapshot().job("j").countOn("n1", "")).isEqualTo(1);
    assertThat(state.snapshot().job("j").countOn("n2", "")).isEqualTo(1);
    assertThat(state.snapshot().job("j").countWhere(n -> n.startsWith("n"), "")).isEqualTo(1);
    // but not against itself
    assertThat(state.snapshot().job("j").countOn("n1", pending.uid())).isZero();

    state.assumeBound(pending.uid(), "n2");
    assertThat(state.snapshot().job("j").countOn("n1", "")).isZero();
    assertThat(state.snapshot().job("j").countOn("n2", "")).isEqualTo(1);
    // a late filter of the same pod changes nothing once it is bound
    state.inFlight(pending, toNodes("n1"));
    assertThat(state.snapshot().job("j").countOn("n1", "")).isZero();
  }

  @Test
  void aReFilterReplacesTheInFlightRecordAndItExpiresOnItsOwn() {
    PodInfo pending = executor("j", "a").build();
    state.upsertPod(pending);
    state.inFlight(pending, toNodes("n1", "n2"));
    state.inFlight(pending, toNodes("n2"));
    assertThat(state.snapshot().job("j").countOn("n1", "")).isZero();
    assertThat(state.snapshot().job("j").countOn("n2", "")).isEqualTo(1);
    // a stale informer update of the pending pod keeps the record
    state.upsertPod(pending);
    assertThat(state.snapshot().job("j").countOn("n2", "")).isEqualTo(1);

    advance(Assumptions.IN_FLIGHT_TTL.plusSeconds(1));
    assertThat(state.snapshot().job("j").countOn("n2", "")).isZero();
    assertThat(state.snapshot().job("j").pendingExecutorUids()).containsExactly(pending.uid());
  }

  @Test
  void aFloodOfMadeUpPodsStaysBounded() {
    int flood = (int) Assumptions.MAX + 10_000;
    for (int i = 0; i < flood; i++) {
      state.observe(dev.spotpack.testing.Build.pod("made-up-" + i).build());
    }
    assertThat(state.assumedCount()).isLessThanOrEqualTo((int) Assumptions.MAX);
    assertThat(state.podCount()).isLessThanOrEqualTo((int) Assumptions.MAX);
  }

  @Test
  void bindingAPodNobodyKnowsIsRefused() {
    assertThat(state.assumeBound("no-such-uid", "n1")).isFalse();
  }

  @Test
  void withoutRecordingThePlacementWaitsForTheInformer() {
    // a time-to-live of zero: every record ends as it is made
    ClusterState blind =
        new ClusterState(PodRoles.SPARK, nanos::get, Duration.ZERO, AssumptionListener.NONE);
    PodInfo pending = executor("j", "a").build();
    blind.upsertPod(pending);
    assertThat(blind.assumeBound(pending.uid(), "n1")).isTrue();
    assertThat(blind.snapshot().job("j").countOn("n1", "")).isZero();
  }

  @Test
  void cachedPodsKeepOnlyTheLabelsAndAnnotationsThePolicyReads() {
    state.upsertPod(
        executor("j", "a")
            .on("n1")
            .label("team", "x")
            .annotate("other/a", "1")
            .annotate("spotpack.dev/profile", "BALANCED")
            .build());
    PodInfo cached = state.pod("spark", "a").orElseThrow();
    assertThat(cached.labels()).containsOnlyKeys("spark-app-selector", "spark-role");
    assertThat(cached.annotations()).containsOnlyKeys("spotpack.dev/profile");
    assertThat(state.snapshot().jobAnnotations().get("j"))
        .containsEntry("spotpack.dev/profile", "BALANCED");
  }

  /** In flight to these nodes, each a pool of its own. */
  private static InFlight toNodes(String... nodes) {
    return new InFlight(Set.of(nodes), Set.of(nodes));
  }
}
