package dev.spotpack.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.admission.SpreadHintWebhook;
import dev.spotpack.app.ExtenderApp;
import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.policy.spot.SpreadHints;
import dev.spotpack.testing.ExtenderHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Structure-aware generation (issue 14) through the real server: valid requests (the golden filter
 * requests in both modes, binds, AdmissionReviews) with values replaced at random paths by nulls,
 * wrong types, extreme numbers and quantities, control characters and long strings, and maps and
 * arrays grown huge, with colliding keys or null and wrong-typed entries. Seeded, so a failure
 * reproduces. Every answer must be one the protocol allows (never a 5xx) with a JSON {@code Error}
 * where it has one, and the management endpoints must still answer afterwards.
 */
class StructuredFuzzIT {
  static final int CASES = 1500;
  static final long SEED = 20261202;
  // answers echo what was sent (a 65,536-character node name comes back as a map key)
  static final JsonMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNameLength(10_000_000).build())
                  .build())
          .build();
  static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static ExtenderApp app;
  static List<JsonNode> filterSeeds;
  static JsonNode bindSeed;
  static JsonNode reviewSeed;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    app = ExtenderHttp.startOnExample(dir, "server:\n  maxRequestBodyBytes: 4194304\n");
    Path golden = Path.of("src/test/resources/golden");
    filterSeeds = new ArrayList<>();
    for (String c :
        List.of("node-names-per-node-cap", "full-node-mode", "pool-at-its-cap", "spot-share")) {
      filterSeeds.add(
          JSON.readTree(Files.readString(golden.resolve("filter/" + c + "/request.json"))));
    }
    bindSeed =
        JSON.readTree(
            "{\"PodName\":\"spark-7f3-exec-7\",\"PodNamespace\":\"spark\",\"PodUID\":\"u\",\"Node\":\"spot-b\"}");
    reviewSeed =
        JSON.readTree(Files.readString(golden.resolve("webhook/executor-with-size/request.json")));
  }

  @AfterAll
  static void stop() {
    app.stop();
  }

  @Test
  void noGeneratedRequestGetsA5xxAndTheServerStillAnswers() throws Exception {
    SplittableRandom rng = new SplittableRandom(SEED);
    SpreadHintWebhook webhook =
        new SpreadHintWebhook(
            new SpreadHints(PodRoles.SPARK, SpotpackConfig.DEFAULT.policy().profiles()),
            new SimpleMeterRegistry());
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int i = 0; i < CASES; i++) {
      int kind = rng.nextInt(4);
      JsonNode seed =
          switch (kind) {
            case 0, 1 -> filterSeeds.get(rng.nextInt(filterSeeds.size()));
            case 2 -> bindSeed;
            default -> reviewSeed;
          };
      JsonNode body = seed.deepCopy();
      for (int k = 1 + rng.nextInt(4); k > 0; k--) {
        body = mutate(body, rng);
      }
      byte[] bytes = JSON.writeValueAsBytes(body);
      String what = "case " + i + " (seed " + SEED + "): " + preview(bytes);
      if (kind == 3) {
        SpreadHintWebhook.Reply reply = webhook.review(bytes);
        assertThat(reply.status()).as(what).isIn(200, 400);
        if (reply.status() == 200) {
          assertThat(reply.body().path("response").path("allowed").booleanValue())
              .as(what)
              .isTrue();
        }
        continue;
      }
      String verb = kind == 0 ? "filter" : kind == 1 ? "prioritize" : "bind";
      HttpResponse<String> reply = post(verb, bytes);
      statuses.merge(reply.statusCode(), 1, Integer::sum);
      assertThat(reply.statusCode()).as(what).isIn(200, 400, 413);
      JsonNode answer = JSON.readTree(reply.body());
      if (reply.statusCode() != 200 || !verb.equals("prioritize")) {
        assertThat(answer.path("Error").isString()).as(what + " -> " + reply.body()).isTrue();
      } else {
        assertThat(answer.isArray()).as(what).isTrue();
      }
    }
    // every answer form was reached: the generator is not just producing one kind of garbage
    assertThat(statuses).containsKeys(200, 400);
    for (String path : List.of("/metrics", "/debug/jobs", "/readyz")) {
      assertThat(get(path).statusCode()).as(path).isEqualTo(200);
    }
    String valid = Files.readString(Path.of("src/main/resources/examples/filter-request.json"));
    assertThat(
            JSON.readTree(post("filter", valid.getBytes(StandardCharsets.UTF_8)).body())
                .get("Error")
                .stringValue())
        .isEmpty();
  }

  static final String[] ANNOTATIONS = {
    "spotpack.dev/max-spot-fraction-per-node",
    "spotpack.dev/max-spot-share",
    "spotpack.dev/max-spot-fraction-per-pool",
    "spotpack.dev/expected-executors",
    "spotpack.dev/profile"
  };
  static final String[] DECIMALS = {
    "1e-999999999",
    "1e-20000000",
    "0." + "0".repeat(5000) + "1",
    "-0",
    "1.0000000001",
    "NaN",
    "0x1p-3",
    "",
    " 0.5 ",
    "\u00000.5",
    "9".repeat(3000)
  };

  /**
   * One change: half the time where spotpack reads (quantities, its annotations, labels), else
   * anywhere.
   */
  static JsonNode mutate(JsonNode root, SplittableRandom rng) {
    if (rng.nextBoolean()) {
      List<ObjectNode> targets = new ArrayList<>();
      collectNamed(
          root, Set.of("requests", "limits", "allocatable", "overhead", "metadata"), targets);
      if (!targets.isEmpty()) {
        ObjectNode target = targets.get(rng.nextInt(targets.size()));
        if (target.has("name")
            || target.has("labels")
            || target.has("namespace")
            || target.has("uid")) {
          // metadata: a spotpack annotation with a hostile value, or a label map made hostile
          if (rng.nextBoolean()) {
            ObjectNode annotations =
                target.get("annotations") instanceof ObjectNode a
                    ? a
                    : target.putObject("annotations");
            annotations.put(
                ANNOTATIONS[rng.nextInt(ANNOTATIONS.length)],
                DECIMALS[rng.nextInt(DECIMALS.length)]);
          } else {
            ObjectNode labels =
                target.get("labels") instanceof ObjectNode l ? l : target.putObject("labels");
            if (rng.nextBoolean()) {
              labels.set(controlString(rng), F.nullNode());
            } else {
              grow(labels, rng);
            }
          }
        } else {
          target.put(
              rng.nextBoolean() ? "cpu" : "memory", QUANTITIES[rng.nextInt(QUANTITIES.length)]);
        }
        return root;
      }
    }
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode target = containers.get(rng.nextInt(containers.size()));
    if (target instanceof ObjectNode object) {
      switch (rng.nextInt(4)) {
        case 0 -> { // replace a field's value
          List<String> names = new ArrayList<>(object.propertyNames());
          if (!names.isEmpty()) {
            object.set(names.get(rng.nextInt(names.size())), hostileValue(rng));
          }
        }
        case 1 -> grow(object, rng);
        case 2 -> object.set(controlString(rng), hostileValue(rng));
        default -> { // remove a field
          List<String> names = new ArrayList<>(object.propertyNames());
          if (!names.isEmpty()) {
            object.remove(names.get(rng.nextInt(names.size())));
          }
        }
      }
    } else if (target instanceof ArrayNode array) {
      switch (rng.nextInt(3)) {
        case 0 -> array.add(hostileValue(rng));
        case 1 -> {
          if (!array.isEmpty()) {
            array.set(rng.nextInt(array.size()), hostileValue(rng));
          }
        }
        default -> {
          for (int n = 0, count = 1000 + rng.nextInt(4000); n < count; n++) {
            array.add(rng.nextBoolean() ? F.stringNode("n-" + n) : F.nullNode());
          }
        }
      }
    }
    return root;
  }

  /** The objects held under any of {@code names}, anywhere in the tree. */
  static void collectNamed(JsonNode node, Set<String> names, List<ObjectNode> out) {
    if (node.isObject()) {
      for (var e : node.properties()) {
        if (names.contains(e.getKey()) && e.getValue() instanceof ObjectNode o) {
          out.add(o);
        }
        collectNamed(e.getValue(), names, out);
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        collectNamed(child, names, out);
      }
    }
  }

  static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isObject() || node.isArray()) {
      out.add(node);
      for (JsonNode child : node) {
        collect(child, out);
      }
    }
  }

  /** A map grown huge: distinct keys, keys sharing one hashCode, or null values. */
  static void grow(ObjectNode object, SplittableRandom rng) {
    int mode = rng.nextInt(3);
    int count = 2000 + rng.nextInt(6000);
    for (int n = 0; n < count; n++) {
      String key =
          switch (mode) {
            case 0 -> "k" + n;
            case 1 -> colliding(n);
            default -> "spotpack.dev/x" + n;
          };
      object.set(key, mode == 2 && n % 2 == 0 ? F.nullNode() : F.stringNode("v"));
    }
  }

  /** Strings of "Aa" and "BB" pairs share a hashCode. */
  static String colliding(int n) {
    StringBuilder s = new StringBuilder();
    for (int bit = 0; bit < 13; bit++) {
      s.append((n & (1 << bit)) == 0 ? "Aa" : "BB");
    }
    return s.toString();
  }

  static final String[] QUANTITIES = {
    "1e999999999",
    "1e20000000",
    "-1",
    "1e-999999999",
    "99999999999999999999Ei",
    "0.0000001m",
    "1Ki",
    "abc",
    "",
    "1e308",
    "NaN",
    "+Inf",
    "9".repeat(200)
  };

  static JsonNode hostileValue(SplittableRandom rng) {
    return switch (rng.nextInt(12)) {
      case 0 -> F.nullNode();
      case 1 -> F.booleanNode(rng.nextBoolean());
      case 2 -> F.numberNode(rng.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE);
      case 3 -> F.numberNode(rng.nextBoolean() ? Double.MAX_VALUE : -Double.MIN_VALUE);
      case 4 -> F.numberNode(new BigDecimal("1e-999999"));
      case 5 -> F.stringNode(QUANTITIES[rng.nextInt(QUANTITIES.length)]);
      case 6 -> F.stringNode(controlString(rng));
      case 7 -> F.stringNode("x".repeat(50_000 + rng.nextInt(100_000)));
      case 8 -> F.arrayNode().add(F.nullNode()).add(1).add("s");
      case 9 -> F.objectNode().put("cpu", QUANTITIES[rng.nextInt(QUANTITIES.length)]);
      case 10 -> F.stringNode("1e-" + (1 + rng.nextInt(999_999_999)));
      default -> F.objectNode();
    };
  }

  static String controlString(SplittableRandom rng) {
    String[] parts = {
      "\u0000", "\n", "\r\n2026-12-02 ERROR forged", "\u2028", "\u001b[31m", "\ud800", "é", "spot-a"
    };
    StringBuilder s = new StringBuilder();
    for (int n = 1 + rng.nextInt(4); n > 0; n--) {
      s.append(parts[rng.nextInt(parts.length)]);
    }
    return s.toString();
  }

  static HttpResponse<String> post(String verb, byte[] body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(ExtenderHttp.verbUri(app, verb))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.managementPort() + path))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String preview(byte[] body) {
    String s = new String(body, StandardCharsets.UTF_8);
    return s.length() > 400 ? s.substring(0, 400) + "…(" + s.length() + " chars)" : s;
  }
}
