package dev.spotpack.testing;

import dev.spotpack.app.ExtenderApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * spotpack over HTTP, for tests: started on loopback ports over the bundled example cluster, and
 * any running app's extender verbs called.
 */
public final class ExtenderHttp {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ExtenderHttp() {}

  /** Started with {@code configYaml} as its config file (written to {@code dir}). */
  public static ExtenderApp startOnExample(Path dir, String configYaml) throws Exception {
    Path config = dir.resolve("spotpack.yaml");
    Files.writeString(config, configYaml);
    ExtenderApp app =
        ExtenderApp.create(
            new ExtenderApp.Options(config, new ExtenderApp.Source.Example(), "127.0.0.1", 0, 0));
    app.start();
    return app;
  }

  /** {@code /scheduler/{verb}} on the app's extender port. */
  public static URI verbUri(ExtenderApp app, String verb) {
    return URI.create("http://127.0.0.1:" + app.extenderPort() + "/scheduler/" + verb);
  }

  /** {@code POST /scheduler/{verb}} with a JSON body, to any running app. */
  public static HttpResponse<String> post(ExtenderApp app, String verb, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(verbUri(app, verb))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
