package dev.spotpack.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.config.ConfigLoader;
import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.kube.LeanDecoding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The start-up rehearsal runs the real request path over HTTP, and stops when it should. */
class WarmUpTest {
  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  record Case(String name, SpotpackConfig config) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> configs() {
    return Stream.of(
        new Case("the defaults", SpotpackConfig.DEFAULT),
        // another spot label, another job label and role values, one pool label, a profile with a
        // tight per-node cap: the made-up cluster follows the configuration, or no node is spot
        new Case(
            "an operator's own labels and caps",
            new ConfigLoader()
                .parse(
                    """
                    pods:
                      jobLabels: [app-id]
                      roleLabel: role
                      driverRole: drv
                      executorRole: exe
                    spot:
                      nodeSelectors: ["node.kubernetes.io/lifecycle=spot"]
                      poolLabels: [topology.kubernetes.io/zone]
                    profiles:
                      default: TIGHT
                      levels:
                        TIGHT: {maxSpotFractionPerNode: 0.02, maxSpotShare: 0.9}
                    """,
                    "own.yaml")));
  }

  /**
   * 250 executors: jobs of 100 (3 jobs, so one is deleted), 4 binds in flight behind the filters.
   * Every executor's filter call is answered without an error and all but the last 4 are bound (250
   * - 4 = 246). Each of the 3 drivers is refused the 100 spot nodes of the 200 (300 rejected nodes
   * at least): that only happens if the rehearsal's nodes are spot by the configuration's own
   * selector and its pods are drivers by its own roles.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void rehearsesFilterAndBindOverHttp(Case c) throws Exception {
    WarmUp warmUp = warmUp(c.config(), System::nanoTime);
    WarmUp.Result r = warmUp.run(vertx, 250, Duration.ofMinutes(5), () -> false);

    assertThat(r.pods()).isEqualTo(250);
    assertThat(r.binds()).isEqualTo(250 - WarmUp.IN_FLIGHT);
    assertThat(r.rejectedNodes()).isGreaterThanOrEqualTo(3 * WarmUp.NODES / 2);
    assertThat(r.stoppedByLimit()).isFalse();
    // through a live binder's code (its POST timed), each placement confirmed by its watch event
    // and timed by the live state's listener: the JIT sees the classes live binds run
    assertThat(warmUp.registry().get("spotpack.bind.api.duration").timer().count())
        .isEqualTo(r.binds());
    assertThat(warmUp.registry().get("spotpack.bind.confirmation").timer().count())
        .isEqualTo(r.binds());
  }

  @Test
  void stopsAtItsTimeLimit() throws Exception {
    // each reading of the clock is a second later: the limit of 10 s passes after a few pods
    AtomicLong now = new AtomicLong();
    WarmUp.Result r =
        warmUp(SpotpackConfig.DEFAULT, () -> now.addAndGet(1_000_000_000L))
            .run(vertx, 1_000, Duration.ofSeconds(10), () -> false);

    assertThat(r.stoppedByLimit()).isTrue();
    assertThat(r.pods()).isBetween(1, 10);
  }

  @Test
  void stopsWhenTheServerStops() throws Exception {
    WarmUp.Result r =
        warmUp(SpotpackConfig.DEFAULT, System::nanoTime)
            .run(vertx, 1_000, Duration.ofMinutes(5), () -> true);

    assertThat(r.pods()).isZero();
    assertThat(r.stoppedByLimit()).isFalse();
  }

  private static WarmUp warmUp(SpotpackConfig config, java.util.function.LongSupplier nanoTime) {
    KubernetesSerialization serialization = LeanDecoding.serialization();
    return new WarmUp(
        config,
        serialization,
        new KubeModel(serialization, config.policy().roles().labelKeys()),
        nanoTime);
  }
}
