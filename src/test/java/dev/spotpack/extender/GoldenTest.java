package dev.spotpack.extender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.config.ConfigLoader;
import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.kube.SnapshotFile;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.protocol.ExtenderJson;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Golden cases: {@code src/test/resources/golden/<verb>/<case>/} holds {@code request.json} (the
 * body as kube-scheduler's Go encoder writes it), {@code response.json} (what spotpack must
 * answer), optionally {@code status} (the HTTP status, when not 200), {@code cluster.yaml} (else
 * the shared {@code golden/cluster.yaml}) and {@code config.yaml}, and a README saying what the
 * case shows. Run with {@code -Dgolden.update=true} to rewrite the responses, then review the diff.
 */
class GoldenTest {
  static final Path ROOT = Path.of("src/test/resources/golden");
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  static Stream<Named<Path>> filter() throws IOException {
    return cases("filter");
  }

  static Stream<Named<Path>> prioritize() throws IOException {
    return cases("prioritize");
  }

  static Stream<Named<Path>> bind() throws IOException {
    return cases("bind");
  }

  private static Stream<Named<Path>> cases(String verb) throws IOException {
    try (Stream<Path> dirs = Files.list(ROOT.resolve(verb))) {
      return dirs
          .filter(Files::isDirectory)
          .sorted()
          .map(d -> Named.of(d.getFileName().toString(), d))
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filter")
  void filter(Path dir) throws IOException {
    check(dir, calls(dir).filter(Files.readAllBytes(dir.resolve("request.json"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("prioritize")
  void prioritize(Path dir) throws IOException {
    check(dir, calls(dir).prioritize(Files.readAllBytes(dir.resolve("request.json"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bind")
  void bind(Path dir) throws Exception {
    ExtenderCalls calls = calls(dir);
    Path before = dir.resolve("filter-first.json");
    if (Files.exists(before)) {
      calls.filter(Files.readAllBytes(before));
    }
    check(
        dir,
        calls.bind(Files.readAllBytes(dir.resolve("request.json"))).toCompletableFuture().get());
  }

  private static ExtenderCalls calls(Path dir) throws IOException {
    Path configFile = dir.resolve("config.yaml");
    SpotpackConfig config =
        Files.exists(configFile)
            ? new ConfigLoader().parse(Files.readString(configFile), configFile.toString())
            : SpotpackConfig.DEFAULT;
    KubernetesSerialization serialization = new KubernetesSerialization();
    KubeModel model = new KubeModel(serialization, PodRoles.SPARK.labelKeys());
    ClusterState state = new ClusterState(config.policy().roles());
    Path cluster =
        Files.exists(dir.resolve("cluster.yaml"))
            ? dir.resolve("cluster.yaml")
            : ROOT.resolve("cluster.yaml");
    try (InputStream in = Files.newInputStream(cluster)) {
      new SnapshotFile(serialization, model).load(in, cluster.toString(), state);
    }
    // the request pods were created at 2026-11-20T08:05:00Z; the cases see them 10 minutes later
    return ExtenderCalls.overSnapshot(
        config.policy(),
        state,
        model,
        new SimpleMeterRegistry(),
        () -> 0L,
        Clock.fixed(Instant.parse("2026-11-20T08:15:00Z"), ZoneOffset.UTC));
  }

  private static void check(Path dir, ExtenderCalls.Reply reply) throws IOException {
    Path statusFile = dir.resolve("status");
    int wantStatus =
        Files.exists(statusFile) ? Integer.parseInt(Files.readString(statusFile).trim()) : 200;
    JsonNode got = MAPPER.readTree(new ExtenderJson().write(reply.body()));
    Path responseFile = dir.resolve("response.json");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(
          responseFile,
          MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(got) + "\n",
          StandardCharsets.UTF_8);
    }
    JsonNode want = MAPPER.readTree(Files.readString(responseFile));
    assertThat(reply.status()).as("HTTP status").isEqualTo(wantStatus);
    assertThat(pretty(got)).as("response body of %s", dir).isEqualTo(pretty(want));
  }

  /** Sorted, pretty JSON so that a mismatch prints a readable diff. */
  private static String pretty(JsonNode node) {
    JsonMapper sorted =
        JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();
    return sorted.writerWithDefaultPrettyPrinter().writeValueAsString(node);
  }
}
