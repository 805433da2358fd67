package dev.spotpack.kube;

import dev.spotpack.protocol.ObjectNames;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * kube-scheduler's DefaultBinder POST ({@code /api/v1/namespaces/{ns}/pods/{name}/binding}, a
 * {@code Binding} with the pod's UID as a precondition), sent without waiting: through the client's
 * own HTTP client, so with its authentication, TLS and request timeout, but without a thread parked
 * on each call as the client's blocking {@code raw} call needs, and with the body written directly
 * rather than built and serialized as a model object.
 *
 * <p>Failures complete the stage as the client's blocking calls throw them: a refusal as {@link
 * KubernetesClientException} with the API server's code and {@code Status}; a transport failure, or
 * no answer within the client's {@code requestTimeout}, as one with code 0. Thread-safe.
 *
 * <p>The request timeout is timed here, by the injected {@link KubeBinder.Deadlines} (live: a timer
 * on the event loop), not by the client: the client times a request with a scheduled future that it
 * cancels when the answer comes, and each cancellation builds two exceptions with their stack
 * traces, 5.5% of spotpack's CPU in the scheduling loop (async-profiler, docs/benchmarks-log.md,
 * stop 32).
 */
final class BindingPost implements KubeBinder.BindingApi {
  private final HttpClient http;
  private final String apiRoot;
  private final long requestTimeoutMillis;
  private final KubeBinder.Deadlines deadlines;
  private final KubernetesSerialization serialization;

  BindingPost(
      HttpClient http,
      String apiRoot,
      long requestTimeoutMillis,
      KubeBinder.Deadlines deadlines,
      KubernetesSerialization serialization) {
    this.http = http;
    this.apiRoot = apiRoot.endsWith("/") ? apiRoot.substring(0, apiRoot.length() - 1) : apiRoot;
    this.requestTimeoutMillis = requestTimeoutMillis;
    this.deadlines = deadlines;
    this.serialization = serialization;
  }

  static BindingPost of(KubernetesClient client, KubeBinder.Deadlines deadlines) {
    return new BindingPost(
        client.getHttpClient(),
        client.getMasterUrl().toString(),
        client.getConfiguration().getRequestTimeout(),
        deadlines,
        client.getKubernetesSerialization());
  }

  @Override
  public CompletionStage<Void> post(String namespace, String name, String uid, String node) {
    // the protocol reader refuses anything else before a bind gets here; this is the guard at the
    // edge, where the names become the URL's path
    if (!ObjectNames.isObjectName(namespace, ObjectNames.NAMESPACE_MAX)
        || !ObjectNames.isObjectName(name, ObjectNames.NAME_MAX)) {
      throw new IllegalArgumentException("not a Kubernetes object name: " + namespace + "/" + name);
    }
    HttpRequest request =
        http.newHttpRequestBuilder()
            .uri(apiRoot + "/api/v1/namespaces/" + namespace + "/pods/" + name + "/binding")
            .post("application/json", body(namespace, name, uid, node))
            .build();
    CompletableFuture<HttpResponse<String>> sent = http.sendAsync(request, String.class);
    Runnable disarm =
        requestTimeoutMillis <= 0
            ? () -> {}
            : deadlines.after(
                Duration.ofMillis(requestTimeoutMillis),
                () ->
                    sent.completeExceptionally(
                        new TimeoutException(
                            "no answer from the API server within "
                                + requestTimeoutMillis
                                + " ms (the client's requestTimeout)")));
    return sent.handle(
        (response, failure) -> {
          disarm.run(); // before the answer is passed on
          if (failure != null) {
            Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause()
                    : failure;
            throw new KubernetesClientException(
                String.valueOf(cause.getMessage()), cause, 0, null, null);
          }
          if (!response.isSuccessful()) {
            throw new KubernetesClientException(status(response));
          }
          return null;
        });
  }

  /** The Binding as JSON, as the client would serialize it (its fields in any order). */
  static byte[] body(String namespace, String name, String uid, String node) {
    StringBuilder json = new StringBuilder(192);
    json.append("{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":");
    quoted(json, name).append(",\"namespace\":");
    quoted(json, namespace);
    if (!uid.isEmpty()) {
      json.append(",\"uid\":");
      quoted(json, uid);
    }
    json.append("},\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":");
    quoted(json, node).append("}}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static StringBuilder quoted(StringBuilder json, String value) {
    json.append('"');
    JsonStringEncoder.getInstance().quoteAsString(value, json);
    return json.append('"');
  }

  /**
   * The API server's Status from a refusal, or one made from the code and body when it sent none.
   */
  private Status status(HttpResponse<String> response) {
    String body = response.body() == null ? "" : response.body();
    try {
      Status status = serialization.unmarshal(body, Status.class);
      if (status != null && status.getCode() != null) {
        return status;
      }
    } catch (RuntimeException notAStatus) {
      // a proxy's page, say: the code and the start of the body tell the operator enough
    }
    return new StatusBuilder()
        .withCode(response.code())
        .withMessage(body.length() > 200 ? body.substring(0, 200) + "..." : body)
        .build();
  }
}
