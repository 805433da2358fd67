package dev.spotpack.extender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.spotpack.testing.Clusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Random and mutated bodies through all three verbs (seeded, so a failure reproduces): no exception
 * escapes, the status is one the protocol allows, the body is JSON, and a valid call still answers
 * afterwards. Seeds: the golden requests (the pool cases' annotations and nodes included, over a
 * state that holds both golden clusters), mutated by byte flips, truncation, duplication, splicing,
 * type swaps, huge and negative numbers, deep nesting and non-UTF-8 bytes.
 */
public class VerbFuzzTest {
  static final int CASES_PER_VERB = 4000;
  static final Set<Integer> ALLOWED = Set.of(200, 400, 503);
  static final JsonMapper JSON = JsonMapper.builder().build();

  ExtenderCalls calls;
  List<byte[]> seeds;

  @BeforeEach
  void setUp() throws Exception {
    // the shared cluster and the pool cases' one (nodes in pools, and spot nodes without pool
    // labels)
    calls = Clusters.goldenCalls("cluster.yaml", "filter/pool-at-its-cap/cluster.yaml");
    seeds = new ArrayList<>();
    try (var dirs = Files.walk(Path.of("src/test/resources/golden"))) {
      for (Path p :
          dirs.filter(f -> f.getFileName().toString().equals("request.json")).sorted().toList()) {
        seeds.add(Files.readAllBytes(p));
      }
    }
  }

  @Test
  void noBodyCrashesAVerb() throws Exception {
    SplittableRandom rng = new SplittableRandom(20261122);
    int ran = 0;
    for (int i = 0; i < CASES_PER_VERB; i++) {
      byte[] body = mutate(seeds.get(rng.nextInt(seeds.size())), rng);
      check("filter", body, () -> calls.filter(body));
      check("prioritize", body, () -> calls.prioritize(body));
      check("bind", body, () -> calls.bind(body).toCompletableFuture().join());
      ran += 3;
    }
    assertThat(ran).isEqualTo(3 * CASES_PER_VERB);
    // and the verbs still answer a real call correctly afterwards
    ExtenderCalls.Reply ok =
        calls.filter(
            Files.readAllBytes(
                Path.of("src/test/resources/golden/filter/node-names-per-node-cap/request.json")));
    assertThat(JSON.readTree(calls.write(ok.body())).get("Error").stringValue()).isEmpty();
  }

  @FunctionalInterface
  interface Call {
    ExtenderCalls.Reply run();
  }

  private void check(String verb, byte[] body, Call call) {
    ExtenderCalls.Reply[] reply = new ExtenderCalls.Reply[1];
    assertThatCode(() -> reply[0] = call.run())
        .as("%s with body %s", verb, preview(body))
        .doesNotThrowAnyException();
    assertThat(reply[0].status()).as("%s status for %s", verb, preview(body)).isIn(ALLOWED);
    byte[] out = calls.write(reply[0].body());
    JsonNode parsed = JSON.readTree(out);
    assertThat(parsed).as("%s reply for %s", verb, preview(body)).isNotNull();
  }

  public static byte[] mutate(byte[] seed, SplittableRandom rng) {
    String s = new String(seed, StandardCharsets.UTF_8);
    switch (rng.nextInt(12)) {
      case 0 -> { // flip bytes
        byte[] b = seed.clone();
        for (int k = 0, n = 1 + rng.nextInt(8); k < n && b.length > 0; k++) {
          b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
        }
        return b;
      }
      case 1 -> { // truncate
        return Arrays.copyOf(seed, rng.nextInt(seed.length + 1));
      }
      case 2 -> { // type swaps of a value
        String[] values = {
          "null",
          "true",
          "-1",
          "1e309",
          "99999999999999999999999",
          "\"x\"",
          "[]",
          "{}",
          "[1,2]",
          "-0.5"
        };
        return s.replaceFirst(
                ":(\"[^\"]*\"|\\[[^\\]]*\\]|[0-9]+|null)", ":" + values[rng.nextInt(values.length)])
            .getBytes(StandardCharsets.UTF_8);
      }
      case 3 -> { // huge and negative quantities
        String[] q = {
          "\"-4\"",
          "\"1e100\"",
          "\"99999999999999999999Ei\"",
          "\"0.0000001m\"",
          "\"abc\"",
          "-7",
          "\"\""
        };
        return s.replaceAll("\"cpu\":\"[^\"]*\"", "\"cpu\":" + q[rng.nextInt(q.length)])
            .getBytes(StandardCharsets.UTF_8);
      }
      case 4 -> { // deep nesting
        int depth = 200 + rng.nextInt(2000);
        return ("{\"Pod\":" + "[".repeat(depth) + "]".repeat(depth) + ",\"NodeNames\":[]}")
            .getBytes(StandardCharsets.UTF_8);
      }
      case 5 -> { // duplicate keys
        return s.replaceFirst("\\{", "{\"Pod\":{},").getBytes(StandardCharsets.UTF_8);
      }
      case 6 -> { // unknown fields everywhere
        return s.replace("{", "{\"zz" + rng.nextInt(100) + "\":[1,{\"a\":null}],")
            .getBytes(StandardCharsets.UTF_8);
      }
      case 7 -> { // non-UTF-8
        byte[] b = seed.clone();
        if (b.length > 10) {
          b[b.length / 2] = (byte) 0xC3;
          b[b.length / 2 + 1] = (byte) 0x28;
        }
        return b;
      }
      case 8 -> { // splice two seeds' halves
        return (s.substring(0, s.length() / 2) + s.substring(rng.nextInt(Math.max(1, s.length()))))
            .getBytes(StandardCharsets.UTF_8);
      }
      case 9 -> { // lower-case everything
        return s.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
      }
      case 10 -> { // many node names, some odd
        StringBuilder names = new StringBuilder();
        for (int k = 0; k < 500; k++) {
          names.append(k == 0 ? "" : ",").append(rng.nextInt(10) == 0 ? "\"\"" : "\"n-" + k + "\"");
        }
        return s.replaceFirst("\"NodeNames\":\\[[^\\]]*\\]", "\"NodeNames\":[" + names + "]")
            .getBytes(StandardCharsets.UTF_8);
      }
      default -> { // random bytes
        byte[] b = new byte[rng.nextInt(64)];
        for (int k = 0; k < b.length; k++) {
          b[k] = (byte) rng.nextInt(256);
        }
        return b;
      }
    }
  }

  public static String preview(byte[] body) {
    String s = new String(body, StandardCharsets.UTF_8);
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
