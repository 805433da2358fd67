package dev.spotpack.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.bind.BindRequest;
import dev.spotpack.bind.BindResult;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.spot.PodRoles;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The bind pool's queue: a bind kube-scheduler was told had failed must never be sent afterwards,
 * or the pod is bound where kube-scheduler no longer assumes it and is scheduled a second time. The
 * executor here holds tasks until the test runs them, so which comes first (the answer or the POST)
 * is fixed, not raced.
 */
class KubeBinderTest {
  private final List<Runnable> queued = new ArrayList<>();
  private final List<String> posts = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private KubeBinder binder(KubeBinder.BindingApi api) {
    return new KubeBinder(
        api, new ClusterState(PodRoles.SPARK), queued::add, 8, Duration.ofMillis(100), registry);
  }

  @Test
  void aBindAnsweredAsTimedOutWhileQueuedIsNeverSent() throws Exception {
    KubeBinder binder = binder((ns, name, uid, node) -> posts.add(ns + "/" + name + "@" + node));
    BindResult answer =
        binder.bind(new BindRequest("spark", "exec-1", "u1", "spot-a")).toCompletableFuture().get();

    queued.forEach(Runnable::run); // a bind thread frees up after the answer
    assertThat(posts).isEmpty();
    assertThat(answer)
        .isEqualTo(
            BindResult.failed(
                "binding spark/exec-1 to node spot-a failed: not sent: no bind thread was free"
                    + " within 100 ms (config cluster.bindThreads: 8, cluster.bindTimeoutMillis)"));
    assertThat(registry.get("spotpack.bind.errors").tag("reason", "overloaded").counter().count())
        .isEqualTo(1);
  }

  @Test
  void aBindThatStartsInTimeIsSentAndAnswered() throws Exception {
    KubeBinder binder = binder((ns, name, uid, node) -> posts.add(ns + "/" + name + "@" + node));
    var answer =
        binder.bind(new BindRequest("spark", "exec-1", "u1", "spot-a")).toCompletableFuture();

    queued.forEach(Runnable::run);
    assertThat(answer.get()).isEqualTo(BindResult.bound());
    assertThat(posts).containsExactly("spark/exec-1@spot-a");
  }

  @Test
  void theApiServersRefusalIsTheAnswer() throws Exception {
    KubeBinder binder =
        binder(
            (ns, name, uid, node) -> {
              throw new KubernetesClientException("pods \"exec-1\" not found", 404, null);
            });
    var answer =
        binder.bind(new BindRequest("spark", "exec-1", "u1", "spot-a")).toCompletableFuture();

    queued.forEach(Runnable::run);
    assertThat(answer.get())
        .isEqualTo(
            BindResult.failed(
                "binding spark/exec-1 to node spot-a failed: "
                    + "pod not found (404): pods \"exec-1\" not found"));
  }
}
