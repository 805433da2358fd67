package dev.spotpack.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Reading Prometheus text, as spotpack and kube-apiserver serve it, for the benchmark tools. */
final class MetricsText {
  private MetricsText() {}

  /** spotpack's /metrics on its management port. */
  static String spotpack(int managementPort) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The sample of exactly this series ({@code name} or {@code name{labels}}); 0 if absent. */
  static double value(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return sample(line);
      }
    }
    return 0;
  }

  /** The samples of {@code name} summed over the series whose labels contain every fragment. */
  static double sum(String text, String name, String... labelFragments) {
    double sum = 0;
    lines:
    for (String line : text.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      for (String fragment : labelFragments) {
        if (!line.contains(fragment)) {
          continue lines;
        }
      }
      sum += sample(line);
    }
    return sum;
  }

  /** The value at the end of a sample line. */
  static double sample(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }
}
