package dev.spotpack.e2e;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Polls that read the API server. On a loaded machine a read can fail on its own (a timeout, a 429
 * from API priority and fairness, a 5xx while the server starts): that is one more "not yet", not
 * the end of the wait. Any other exception still ends the poll at once, so a poll's condition must
 * itself be null-safe (issue 18).
 */
final class ApiPolls {
  private ApiPolls() {}

  static ConditionFactory apiPoll(Duration atMost, Duration interval) {
    return Awaitility.await()
        .atMost(atMost)
        .pollInterval(interval)
        .ignoreExceptionsInstanceOf(KubernetesClientException.class);
  }
}
