package dev.spotpack.cluster;

import static dev.spotpack.testing.Build.executor;
import static dev.spotpack.testing.Build.node;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.spotpack.policy.model.InFlight;
import dev.spotpack.policy.model.PodInfo;
import dev.spotpack.policy.spot.PodRoles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Snapshots are published incrementally (only what changed since the last one is copied). For
 * random histories of node, pod, assumption and bind changes, a state that publishes after every
 * few changes must end with exactly the snapshot of a state that saw the same changes and published
 * once, from nothing.
 */
class IncrementalSnapshotTest {
  private static final int NODES = 40;
  private static final int PODS = 300;
  private static final int JOBS = 8;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void publishingAsYouGoEndsWhereOnePublishFromNothingEnds(long seed) {
    Random random = new Random(seed);
    List<Consumer<ClusterState>> history = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      history.add(randomChange(random));
    }

    ClusterState incremental = newState();
    int snapshots = 0;
    for (Consumer<ClusterState> change : history) {
      change.accept(incremental);
      if (random.nextInt(5) == 0) {
        incremental.snapshot();
        snapshots++;
      }
    }
    ClusterState oneShot = newState();
    history.forEach(change -> change.accept(oneShot));

    assertSameView(incremental.snapshot(), oneShot.snapshot());
    assertThat(snapshots).isGreaterThan(400);
  }

  /**
   * The node names a filter answer is written with come from the state without a snapshot when only
   * pods changed: at any point of a random history they are the names a snapshot built then would
   * have, as the same instance.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void nodeNamesWithoutASnapshotAreTheNamesASnapshotWouldHave(long seed) {
    Random random = new Random(seed);
    ClusterState state = newState();
    int checked = 0;
    for (int i = 0; i < 3_000; i++) {
      Consumer<ClusterState> change = randomChange(random);
      change.accept(state);
      if (random.nextInt(4) == 0) {
        Set<String> names = state.nodeNames(); // before any snapshot of this change
        Set<String> truth = state.snapshot().nodeNames();
        // the same instance, so the name table built for it is kept
        assertThat(names).isSameAs(truth);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(600);
  }

  private static ClusterState newState() {
    // a ticker that never moves: assumptions never expire, so both states see the same history
    return new ClusterState(
        PodRoles.SPARK, Ticker.disabledTicker(), Duration.ofMinutes(2), AssumptionListener.NONE);
  }

  private static Consumer<ClusterState> randomChange(Random random) {
    String nodeName = "n" + random.nextInt(NODES);
    int p = random.nextInt(PODS);
    String job = "job-" + (p % JOBS);
    PodInfo pending =
        executor(job, "exec-" + p).requests(100 + 10L * (p % 7), 1_000_000L * (1 + p % 5)).build();
    int kind = random.nextInt(100);
    if (kind < 5) {
      boolean spot = random.nextBoolean();
      long cpu = 4_000L * (1 + random.nextInt(4));
      return s ->
          s.upsertNode(
              node(
                  nodeName,
                  cpu,
                  16_000_000_000L,
                  Map.of("karpenter.sh/capacity-type", spot ? "spot" : "on-demand")));
    }
    if (kind < 7) {
      return s -> s.removeNode(nodeName);
    }
    if (kind < 35) {
      return s -> s.upsertPod(pending);
    }
    if (kind < 60) {
      return s -> s.upsertPod(pending.boundTo(nodeName));
    }
    if (kind < 65) {
      PodInfo inactive =
          executor(job, "exec-" + p)
              .label("spark-exec-inactive", "true")
              .on(nodeName)
              .requests(100 + 10L * (p % 7), 1_000_000L * (1 + p % 5))
              .build();
      return s -> s.upsertPod(inactive);
    }
    if (kind < 75) {
      return s -> s.removePod(pending.uid());
    }
    if (kind < 82) {
      return s -> s.observe(pending);
    }
    if (kind < 90) {
      String other = "n" + random.nextInt(NODES);
      return s ->
          s.inFlight(pending, new InFlight(Set.copyOf(List.of(nodeName, other)), Set.of("pool")));
    }
    return s -> s.assumeBound(pending.uid(), nodeName);
  }

  private static void assertSameView(ClusterSnapshot got, ClusterSnapshot want) {
    for (int n = 0; n < NODES; n++) {
      String name = "n" + n;
      assertThat(got.node(name)).as(name).isEqualTo(want.node(name));
      assertThat(got.nonZeroRequestedOn(name))
          .as("requested on %s", name)
          .isEqualTo(want.nonZeroRequestedOn(name));
    }
    assertThat(got.jobIds()).isEqualTo(want.jobIds()).isNotEmpty();
    for (String job : want.jobIds()) {
      assertThat(got.job(job)).as(job).isEqualTo(want.job(job));
      assertThat(got.jobAnnotations(job))
          .as("annotations of %s", job)
          .isEqualTo(want.jobAnnotations(job));
    }
  }
}
