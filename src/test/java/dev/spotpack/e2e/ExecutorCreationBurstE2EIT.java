package dev.spotpack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spotpack.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Spark job asking for its executors at once is the everyday case: 2,000 executors created while
 * kube-scheduler and spotpack run, on 500 nodes of the local control plane. Every pod must be bound
 * exactly once, by exactly one bind call and one binding POST: a bind answered as failed although
 * its binding landed makes kube-scheduler forget the pod and schedule it again. And no job may end
 * with more executors on one spot node than its cap allows. The same with every executor behind
 * spotpack's placement gate, as the shipped webhook puts it.
 *
 * <p>The executors prefer spot nodes, as the Spark recipe's template makes them
 * (docs/spark/executor-template.yaml), and the spot nodes have room for all of them within the caps
 * (250 of 110 pods each; a job of 100 needs 4 at 25 each, in at least 2 pools of 50): so nearly all
 * must stay on spot through the burst, or bin-packing's cost is lost. Counting executors in flight
 * is what holds the caps, and counting them for longer than until their bind sends them to
 * on-demand nodes (with kube-scheduler binding and spotpack learning placements from its watch,
 * 481-775 of 2,000 stayed on spot; docs/benchmarks-log.md, stop 47). Here: 1,999-2,000 plain, 2,000
 * behind the gate (1,973-1,978 before it waited for executors in flight); the check asks nine
 * tenths, far from both.
 */
class ExecutorCreationBurstE2EIT {
  private static final int NODES = 500;
  private static final int PODS = 2_000;
  private static final int JOB_SIZE = 100;
  // the default profile (BALANCED, f = 0.25): max(1, floor(0.25 x 100)) = 25 per spot node; the
  // nodes hold 110 pods each, so bin-packing alone would put more there
  private static final int NODE_CAP = 25;

  @Test
  void everyExecutorOfABurstIsBoundOnceWithoutABindError() throws Exception {
    ExecutorCreationBurst.Result r = burst("burst", false);

    assertBoundOnceWithinTheCaps(r);
  }

  /**
   * The same burst through the shipped webhook: every executor is created behind spotpack's
   * placement gate, and spotpack lifts 2,000 gates (several patches in flight) while it filters and
   * binds, on nodes in 12 capacity pools.
   */
  @Test
  void everyGatedExecutorOfABurstIsLiftedAndBoundOnce() throws Exception {
    ExecutorCreationBurst.Result r = burst("gated-burst", true);

    assertBoundOnceWithinTheCaps(r);
    assertThat(r.gateReleasesSpot() + r.gateReleasesOffSpot()).as("gates lifted").isEqualTo(PODS);
    assertThat(r.gatePatchErrors()).as("gate lifts the API server refused").isZero();
  }

  private static ExecutorCreationBurst.Result burst(String name, boolean webhook) throws Exception {
    KubeBinaries.Found bin = KubeBinaries.locate();
    assumeTrue(bin.dir().isPresent(), () -> "local control plane unavailable: " + bin.reason());
    Path dir = Path.of("target/e2e/" + name + "-" + System.currentTimeMillis()).toAbsolutePath();
    Files.createDirectories(dir);
    if (webhook) {
      assumeTrue(
          TestCertificates.opensslAvailable(dir),
          "openssl is not installed: cannot make the webhook's certificate");
    }
    ExecutorCreationBurst.Result r =
        ExecutorCreationBurst.onLocalControlPlane(
            bin.dir().get(),
            dir,
            new ExecutorCreationBurst.Setup(
                NODES,
                webhook,
                webhook,
                0,
                PODS,
                JOB_SIZE,
                8,
                Map.of(),
                true, // executors prefer spot
                false,
                Duration.ofMinutes(2),
                Duration.ofMinutes(5)));
    System.out.println(name + ": " + r.summary() + " (logs in " + dir + ")");
    return r;
  }

  private static void assertBoundOnceWithinTheCaps(ExecutorCreationBurst.Result r) {
    assertThat(r.bindErrors()).as("bind errors by reason").isEmpty();
    assertThat(r.bound()).as("pods bound").isEqualTo(PODS);
    assertThat(r.boundTwice()).as("pods seen bound to a second node").isZero();
    assertThat(r.bindCalls()).as("bind calls kube-scheduler made").isEqualTo(PODS);
    assertThat(r.bindingPosts()).as("binding POSTs the API server answered").isEqualTo(PODS);
    // the caps hold through the burst: kube-scheduler binds asynchronously, so each filter
    // must count the executors still in flight
    assertThat(r.maxOnOneSpotNode())
        .as("most executors of one job on one spot node")
        .isBetween(1, NODE_CAP);
    assertThat(r.onSpot()).as("executors on spot nodes").isGreaterThanOrEqualTo(PODS * 9 / 10);
  }
}
