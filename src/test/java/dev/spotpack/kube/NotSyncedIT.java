package dev.spotpack.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.app.ExtenderApp;
import dev.spotpack.testing.ExtenderHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code serve} whose API server never answers: not ready, and every verb says so. Kept apart from
 * {@link LiveClusterIT} on purpose: it needs no mock API server, and stopping an app whose watches
 * have just opened against fabric8's mock can block the mock's event loop for a minute (its
 * WatchEventsListener.onClosed waits there for its executor), which then fails the mock's shutdown.
 */
class NotSyncedIT {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String NOT_READY = "not ready: cluster state not synced";

  @TempDir Path dir;
  ExtenderApp app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.stop();
    }
  }

  @Test
  void answersNotReadyUntilTheInformersSync() throws Exception {
    // nothing listens on port 9 of loopback: the informers never sync
    app = LiveClusterIT.startApp(dir, LiveClusterIT.kubeconfig(dir, "https://127.0.0.1:9"), "");

    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo(NOT_READY + "\n");
    String executor =
        "{\"metadata\":{\"name\":\"e9\",\"namespace\":\"spark\",\"uid\":\"u9\",\"labels\":"
            + "{\"spark-app-selector\":\"spark-abc\",\"spark-role\":\"executor\"}},\"spec\":{\"containers\":[]},\"status\":{}}";
    assertThat(
            JSON.readTree(
                    post(
                        "filter",
                        "{\"Pod\":" + executor + ",\"Nodes\":null,\"NodeNames\":[\"spot-a\"]}"))
                .get("Error")
                .stringValue())
        .isEqualTo(NOT_READY);
    assertThat(
            JSON.readTree(
                    post(
                        "bind",
                        "{\"PodName\":\"a\",\"PodNamespace\":\"b\",\"PodUID\":\"\",\"Node\":\"c\"}"))
                .get("Error")
                .stringValue())
        .isEqualTo(NOT_READY);
    assertThat(get("/metrics").body()).contains("spotpack_ready 0.0");
  }

  String post(String verb, String body) throws Exception {
    return ExtenderHttp.post(app, verb, body).body();
  }

  HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.managementPort() + path))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
