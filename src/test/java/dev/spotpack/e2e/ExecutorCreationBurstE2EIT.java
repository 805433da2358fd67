package dev.spotpack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spotpack.app.ExtenderApp;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A Spark job asking for its executors at once is the everyday case: 2,000 executors created while
 * kube-scheduler and spotpack run, on 500 nodes of the local control plane. Every pod must be bound
 * exactly once, by exactly one bind call and one binding POST: a bind answered as failed although
 * its binding landed makes kube-scheduler forget the pod and schedule it again. And no job may end
 * with more executors on one spot node than its cap allows.
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
    KubeBinaries.Found bin = KubeBinaries.locate();
    assumeTrue(bin.dir().isPresent(), () -> "local control plane unavailable: " + bin.reason());
    Path dir = Path.of("target/e2e/burst-" + System.currentTimeMillis()).toAbsolutePath();
    try (LocalControlPlane.ApiServer api = LocalControlPlane.startApiServer(bin.dir().get(), dir)) {
      ExecutorCreationBurst.createNodes(api.client(), NODES);
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> api.client().nodes().list().getItems().size() == NODES);
      ExtenderApp spotpack =
          SpotpackAndScheduler.start(
              bin.dir().get(), dir, api.kubeconfig(), api.processes(), api.insecure());
      try {
        ExecutorCreationBurst.Result r =
            ExecutorCreationBurst.run(
                api.client(),
                spotpack.managementPort(),
                api::metrics,
                "burst",
                PODS,
                JOB_SIZE,
                8,
                Duration.ofMinutes(5));
        System.out.println("burst: " + r.summary());
        assertThat(r.bindErrors()).as("bind errors by reason (logs in %s)", dir).isEmpty();
        assertThat(r.bound()).as("pods bound").isEqualTo(PODS);
        assertThat(r.boundTwice()).as("pods seen bound to a second node").isZero();
        assertThat(r.bindCalls()).as("bind calls kube-scheduler made").isEqualTo(PODS);
        assertThat(r.bindingPosts()).as("binding POSTs the API server answered").isEqualTo(PODS);
        // the caps hold through the burst: kube-scheduler binds asynchronously, so each filter
        // must count the executors still in flight
        assertThat(r.maxOnOneSpotNode())
            .as("most executors of one job on one spot node")
            .isBetween(1, NODE_CAP);
      } finally {
        spotpack.stop();
      }
    }
  }
}
