package dev.spotpack.bench;

import dev.spotpack.admission.SpreadHintWebhook;
import dev.spotpack.app.ExtenderApp;
import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.policy.spot.SpreadHints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the worst input classes of issue 14 cost the server, against a valid request of the same
 * size, through HTTP on loopback: the median and the 90th percentile of the wall time of {@code
 * rounds} calls of each, after as many calls of warm-up. Prints one row per class and the ratio to
 * its valid twin. Run from the repository root (docs/benchmarks.md):
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.spotpack.bench.HostileInputCost [rounds [labelKeys]]
 * </pre>
 */
public final class HostileInputCost {
  private HostileInputCost() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    Path dir = Files.createTempDirectory("spotpack-hostile");
    Path config = dir.resolve("spotpack.yaml");
    Files.writeString(config, "server:\n  maxRequestBodyBytes: 16777216\n");
    ExtenderApp app =
        ExtenderApp.create(
            new ExtenderApp.Options(config, new ExtenderApp.Source.Example(), "127.0.0.1", 0, 0));
    app.start();
    try {
      String base = Files.readString(Path.of("src/main/resources/examples/filter-request.json"));
      Map<String, String[]> pairs = new LinkedHashMap<>();
      int keys = args.length > 1 ? Integer.parseInt(args[1]) : 55_000;
      pairs.put(
          keys + " label keys, one hashCode vs distinct",
          new String[] {labels(base, keys, true), labels(base, keys, false)});
      pairs.put(
          "cpu 1e20000000 vs 3.00000000",
          new String[] {cpu(base, "1e20000000"), cpu(base, "3.00000000")});
      pairs.put(
          "cpu 1e999999999 vs 3.000000000",
          new String[] {cpu(base, "1e999999999"), cpu(base, "3.000000000")});
      pairs.put(
          "max-spot-share 1e-20000000 vs 0.5",
          new String[] {annotation(base, "1e-20000000"), annotation(base, "0.500000000")});
      pairs.put(
          "max-spot-share 1e-999999999 vs 0.5",
          new String[] {annotation(base, "1e-999999999"), annotation(base, "0.5000000000")});
      HttpClient http = HttpClient.newHttpClient();
      URI filter = URI.create("http://127.0.0.1:" + app.extenderPort() + "/scheduler/filter");
      System.out.printf(
          Locale.ROOT,
          "%-44s %10s %12s %12s %12s %12s %7s%n",
          "input (filter)",
          "bytes",
          "hostile p50",
          "hostile p90",
          "valid p50",
          "valid p90",
          "p50 x");
      for (Map.Entry<String, String[]> e : pairs.entrySet()) {
        long[][] t = time(http, filter, e.getValue()[0], e.getValue()[1], rounds);
        long[] hostile = t[0];
        long[] valid = t[1];
        System.out.printf(
            Locale.ROOT,
            "%-44s %10d %10.2fms %10.2fms %10.2fms %10.2fms %7.2f%n",
            e.getKey(),
            e.getValue()[0].length(),
            hostile[0] / 1e6,
            hostile[1] / 1e6,
            valid[0] / 1e6,
            valid[1] / 1e6,
            hostile[0] / (double) valid[0]);
      }
      webhookRow(keys, rounds);
    } finally {
      app.stop();
    }
  }

  /**
   * The webhook's row: its listener needs TLS, so the review is timed in process, the colliding and
   * the distinct keys taking turns as in {@link #time}.
   */
  static void webhookRow(int keys, int rounds) throws Exception {
    SpreadHintWebhook webhook =
        new SpreadHintWebhook(
            new SpreadHints(PodRoles.SPARK, SpotpackConfig.DEFAULT.policy().profiles()),
            new SimpleMeterRegistry());
    String review =
        Files.readString(
            Path.of("src/test/resources/golden/webhook/executor-with-size/request.json"));
    byte[][] bodies = {
      labels(review, keys, true).getBytes(StandardCharsets.UTF_8),
      labels(review, keys, false).getBytes(StandardCharsets.UTF_8)
    };
    long[][] t = new long[2][rounds];
    for (int i = 0; i < 2 * rounds; i++) {
      for (int turn = 0; turn < 2; turn++) {
        int which = (i + turn) % 2;
        long start = System.nanoTime();
        if (webhook.review(bodies[which]).status() != 200) {
          throw new IllegalStateException("the webhook refused the review");
        }
        if (i >= rounds) {
          t[which][i - rounds] = System.nanoTime() - start;
        }
      }
    }
    long[] hostile = percentiles(t[0]);
    long[] valid = percentiles(t[1]);
    System.out.printf(
        Locale.ROOT,
        "%-44s %10d %10.2fms %10.2fms %10.2fms %10.2fms %7.2f%n",
        keys + " label keys (webhook, in process)",
        bodies[0].length,
        hostile[0] / 1e6,
        hostile[1] / 1e6,
        valid[0] / 1e6,
        valid[1] / 1e6,
        hostile[0] / (double) valid[0]);
  }

  /**
   * {{p50, p90} of a, {p50, p90} of b} in nanoseconds, after {@code rounds} calls of each as
   * warm-up. The two bodies take turns (a b, then b a), so that drift in the machine's speed falls
   * on both alike.
   */
  static long[][] time(HttpClient http, URI uri, String a, String b, int rounds) throws Exception {
    long[] ta = new long[rounds];
    long[] tb = new long[rounds];
    for (int i = 0; i < 2 * rounds; i++) {
      boolean aFirst = i % 2 == 0;
      long first = call(http, uri, aFirst ? a : b);
      long second = call(http, uri, aFirst ? b : a);
      if (i >= rounds) {
        ta[i - rounds] = aFirst ? first : second;
        tb[i - rounds] = aFirst ? second : first;
      }
    }
    return new long[][] {percentiles(ta), percentiles(tb)};
  }

  private static long call(HttpClient http, URI uri, String body) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 500) {
      throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
    }
    return System.nanoTime() - start;
  }

  private static long[] percentiles(long[] t) {
    Arrays.sort(t);
    return new long[] {t[t.length / 2], t[t.length * 9 / 10]};
  }

  static String labels(String base, int count, boolean colliding) {
    StringBuilder labels = new StringBuilder();
    for (int n = 0; n < count; n++) {
      String key;
      if (colliding) {
        StringBuilder k = new StringBuilder();
        for (int bit = 0; bit < 16; bit++) {
          k.append((n & (1 << bit)) == 0 ? "Aa" : "BB");
        }
        key = k.toString();
      } else {
        key = String.format(Locale.ROOT, "k%031d", n); // 32 characters, as the colliding keys
      }
      labels.append('"').append(key).append("\":\"v\",");
    }
    String out = base.replaceFirst("\"labels\":\\{", "\"labels\":{" + labels);
    if (out.equals(base)) {
      throw new IllegalArgumentException("no labels to add to");
    }
    return out;
  }

  static String cpu(String base, String cpu) {
    return base.replaceFirst("\"cpu\":\"[^\"]*\"", "\"cpu\":\"" + cpu + "\"");
  }

  static String annotation(String base, String value) {
    return base.replaceFirst(
        "\"labels\":\\{",
        "\"annotations\":{\"spotpack.dev/max-spot-share\":\"" + value + "\"},\"labels\":{");
  }
}
