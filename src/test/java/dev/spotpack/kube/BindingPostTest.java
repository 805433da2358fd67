package dev.spotpack.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

/** The binding POST written by hand: the same Binding the client writes, and its failures. */
class BindingPostTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** What the client's blocking call sent: the model object, serialized by the client. */
  private static String clientsBinding(String ns, String name, String uid, String node) {
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      return client
          .getKubernetesSerialization()
          .asJson(
              new BindingBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(ns)
                  .withUid(uid.isEmpty() ? null : uid)
                  .endMetadata()
                  .withNewTarget()
                  .withApiVersion("v1")
                  .withKind("Node")
                  .withName(node)
                  .endTarget()
                  .build());
    }
  }

  @ParameterizedTest
  @CsvSource({
    "spark, exec-1, 9b2e-41, spot-a",
    "spark, exec-1, '', spot-a", // no UID: no precondition, as the client leaves it out
    "team.a, e.1, 'quote \" back\\slash \u0001', 'node with \"quotes\"'", // escaped as JSON
  })
  void theBodyIsTheBindingTheClientWrote(String ns, String name, String uid, String node) {
    String ours = new String(BindingPost.body(ns, name, uid, node), StandardCharsets.UTF_8);
    assertThat(JSON.readTree(ours)).isEqualTo(JSON.readTree(clientsBinding(ns, name, uid, node)));
  }

  @ParameterizedTest
  @CsvSource({
    "spark, ../../secrets",
    "spark, exec?dryRun=All",
    "kube-system/pods/x, exec-1",
    "spark, Exec-1",
    "spark, exec%2F1",
  })
  void namesThatAreNotObjectNamesNeverReachTheUrl(String ns, String name) {
    BindingPost post =
        BindingPost.of(
            new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build())
                .build(),
            new ManualDeadlines());
    assertThatThrownBy(() -> post.post(ns, name, "u", "spot-a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a Kubernetes object name");
  }

  @Test
  void anApiServerThatCannotBeReachedFailsWithCodeZero() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + closedPort)
                    .withRequestRetryBackoffLimit(0) // the client retries refused connections
                    .build())
            .build()) {
      ManualDeadlines deadlines = new ManualDeadlines();
      var answer = bindExec1(client, deadlines);
      assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isZero());
      // the answer disarmed the request's deadline
      assertThat(deadlines.armed).hasSize(1);
      assertThat(deadlines.armed.get(0).cancelled).isTrue();
    }
  }

  /**
   * An API server that takes the connection and never answers: the POST fails, as a transport
   * failure (code 0) naming the timeout, once the request's deadline (the client's requestTimeout)
   * passes, and not before.
   */
  @Test
  void anApiServerThatNeverAnswersFailsAtTheClientsRequestTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0); // the backlog takes the connection; no reply
        KubernetesClient client =
            new KubernetesClientBuilder()
                .withConfig(
                    new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort())
                        .withRequestTimeout(7_000)
                        .build())
                .build()) {
      ManualDeadlines deadlines = new ManualDeadlines();
      var answer = bindExec1(client, deadlines);

      assertThat(deadlines.armed).hasSize(1);
      assertThat(deadlines.armed.get(0).delay).isEqualTo(Duration.ofMillis(7_000));
      assertThat(answer).isNotDone();

      deadlines.armed.get(0).task.run(); // the deadline passes

      assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isZero();
                assertThat(e.getMessage())
                    .isEqualTo(
                        "no answer from the API server within 7000 ms (the client's"
                            + " requestTimeout)");
              });
    }
  }

  private static CompletableFuture<Void> bindExec1(
      KubernetesClient client, ManualDeadlines deadlines) {
    return BindingPost.of(client, deadlines)
        .post("spark", "exec-1", "u1", "spot-a")
        .toCompletableFuture();
  }

  /** Deadlines that fire only when a test runs them. */
  private static final class ManualDeadlines implements KubeBinder.Deadlines {
    static final class Armed {
      final Duration delay;
      final Runnable task;
      volatile boolean cancelled;

      Armed(Duration delay, Runnable task) {
        this.delay = delay;
        this.task = task;
      }
    }

    final List<Armed> armed = new CopyOnWriteArrayList<>();

    @Override
    public Runnable after(Duration delay, Runnable task) {
      Armed a = new Armed(delay, task);
      armed.add(a);
      return () -> a.cancelled = true;
    }
  }
}
