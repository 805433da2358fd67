package dev.spotpack.extender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.admission.SpreadHintWebhook;
import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.config.SpotpackConfig;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.policy.JobReport;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.policy.spot.SpreadHints;
import dev.spotpack.testing.Clusters;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Regression tests for the hostile inputs of issue 14, each through the verbs as the HTTP server
 * calls them: a clear answer naming the problem, never a 500, and no work beyond the input's size.
 * The request is the golden 12th executor of spark-7f3 with one thing changed.
 */
class HostileInputTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final Path GOLDEN = Path.of("src/test/resources/golden");

  ExtenderCalls calls;
  String request;

  @BeforeEach
  void setUp() throws Exception {
    calls = Clusters.goldenCalls("cluster.yaml");
    request = Files.readString(GOLDEN.resolve("filter/node-names-per-node-cap/request.json"));
  }

  JsonNode filter(String body) {
    ExtenderCalls.Reply reply = calls.filter(body.getBytes(StandardCharsets.UTF_8));
    assertThat(reply.status()).isEqualTo(200);
    return JSON.readTree(calls.write(reply.body()));
  }

  ExtenderCalls.Reply prioritize(String body) {
    return calls.prioritize(body.getBytes(StandardCharsets.UTF_8));
  }

  String withLabels(String labels) {
    return request.replace(
        "\"labels\":{\"spark-app-name\":\"nightly-etl\",",
        "\"labels\":{" + labels + ",\"spark-app-name\":\"nightly-etl\",");
  }

  String withCpu(String cpu) {
    return request.replace("\"requests\":{\"cpu\":\"3\"", "\"requests\":{\"cpu\":\"" + cpu + "\"");
  }

  String withAnnotation(String key, String value) {
    return request.replace(
        "\"labels\":{", "\"annotations\":{\"" + key + "\":\"" + value + "\"},\"labels\":{");
  }

  // item 1: a null label value, a null container, a non-string node name

  @Test
  void aNullLabelValueIsReadAsGoReadsIt() {
    // Go decodes null into a map[string]string as "": the label is present and empty
    JsonNode reply = filter(withLabels("\"team\":null"));
    assertThat(reply.get("Error").stringValue()).isEmpty();
    assertThat(prioritize(withLabels("\"team\":null")).status()).isEqualTo(200);
  }

  @Test
  void aNullContainerIsAnEmptyContainer() {
    String body = request.replace("\"containers\":[{", "\"containers\":[null,{");
    assertThat(filter(body).get("Error").stringValue()).isEmpty();
    assertThat(prioritize(body).status()).isEqualTo(200);
  }

  // item 2: quantities with extreme exponents

  @Test
  void aQuantityWithAnExtremeExponentIsRefusedNamingIt() {
    for (String cpu :
        new String[] {"1e999999999", "1e20000000", "1e-999999999", "9".repeat(5000)}) {
      JsonNode reply = filter(withCpu(cpu));
      assertThat(reply.get("Error").stringValue())
          .as(cpu)
          .startsWith(
              "pod spark/spark-7f3-exec-12 container spark-kubernetes-executor resources.requests:"
                  + " cpu=\"")
          .contains("is not a valid quantity");
      assertThat(reply.get("Error").stringValue().length()).as(cpu).isLessThan(400);
      assertThat(prioritize(withCpu(cpu)).status()).as(cpu).isEqualTo(400);
    }
  }

  @Test
  void quantitiesInTheApiServersRangeStillRead() {
    for (String cpu : new String[] {"3", "3000m", "0.5", "1e3", "2Ki", "1E0", "+2", ".5"}) {
      assertThat(filter(withCpu(cpu)).get("Error").stringValue()).as(cpu).isEmpty();
    }
  }

  // item 3: annotation decimals with extreme exponents

  @Test
  void anAnnotationDecimalWithAnExtremeExponentIsInvalidNotArithmetic() {
    for (String value :
        new String[] {"1e-999999999", "1e-20000000", "0." + "0".repeat(100) + "1"}) {
      JsonNode reply = filter(withAnnotation("spotpack.dev/max-spot-fraction-per-node", value));
      assertThat(reply.get("Error").stringValue()).isEmpty();
      String message = reply.get("FailedAndUnresolvableNodes").get("spot-a").stringValue();
      assertThat(message)
          .as(value)
          .startsWith("spotpack: annotation spotpack.dev/max-spot-fraction-per-node=\"")
          .endsWith("is invalid: expected a decimal number from 0 to 1, such as 0.25");
      assertThat(message.length()).as(value).isLessThan(300);
    }
  }

  // item 4: colliding label keys

  /**
   * Still answers: the keys are dropped as the pod is read (see
   * aPodKeepsOnlyTheLabelsSpotpackReads).
   */
  @Test
  void sixteenThousandLabelKeysWithOneHashCodeStillAnswer() {
    // "Aa" and "BB" share a hashCode, so every string of n such pairs does: 2^n keys, one hash
    StringBuilder labels = new StringBuilder();
    int count = 0;
    for (int mask = 0; mask < (1 << 14); mask++) {
      StringBuilder key = new StringBuilder();
      for (int bit = 0; bit < 14; bit++) {
        key.append((mask & (1 << bit)) == 0 ? "Aa" : "BB");
      }
      labels.append(count++ == 0 ? "" : ",").append('"').append(key).append("\":\"v\"");
    }
    assertThat(filter(withLabels(labels.toString())).get("Error").stringValue()).isEmpty();
  }

  /** Only the labels spotpack reads are kept of a pod: 16,384 colliding keys become none. */
  @Test
  void aPodKeepsOnlyTheLabelsSpotpackReads() throws Exception {
    String labels = "\"team\":\"x\",\"AaAa\":\"1\",\"BBBB\":\"2\"";
    JsonNode pod = JSON.readTree(withLabels(labels)).get("Pod");
    var info =
        new KubeModel(new KubernetesSerialization(), PodRoles.SPARK.labelKeys()).podFromJson(pod);
    assertThat(info.labels()).containsOnlyKeys("spark-app-selector", "spark-role");
  }

  @Test
  void aNonStringNodeNameInFullNodeModeIsRefusedNamingIt() throws Exception {
    String full = Files.readString(GOLDEN.resolve("filter/full-node-mode/request.json"));
    String body = full.replaceFirst("\"name\":\"spot-a\"", "\"name\":42");
    assertThat(body).isNotEqualTo(full);
    assertThat(filter(body).get("Error").stringValue())
        .isEqualTo("Nodes.items[0].metadata.name must be a non-empty string");
    assertThat(prioritize(body).status()).isEqualTo(400);
  }

  /** What /metrics and /debug/jobs compute for a job whose executors carry such a value. */
  @Test
  void aJobReportSurvivesAnExtremeAnnotation() {
    SpotPolicy policy = new SpotPolicy(SpotpackConfig.DEFAULT.policy());
    JobReport report =
        policy.report(
            "spark-7f3",
            Map.of("spotpack.dev/max-spot-share", "1e-999999999"),
            ClusterSnapshot.EMPTY);
    assertThat(report.problem())
        .startsWith("spotpack: annotation spotpack.dev/max-spot-share=\"1e-999999999\" is invalid");
  }

  /**
   * The webhook admits the pod with a short warning and no patch: it never makes a pod uncreatable.
   */
  @Test
  void theWebhookWarnsBrieflyAboutAnExtremeAnnotation() throws Exception {
    String review =
        Files.readString(GOLDEN.resolve("webhook/executor-with-size/request.json"))
            .replace(
                "\"annotations\":{",
                "\"annotations\":{\"spotpack.dev/max-spot-fraction-per-node\":\"1e-20000000\",");
    SpreadHintWebhook webhook =
        new SpreadHintWebhook(
            new SpreadHints(PodRoles.SPARK, SpotpackConfig.DEFAULT.policy().profiles()),
            new SimpleMeterRegistry());
    SpreadHintWebhook.Reply reply = webhook.review(review.getBytes(StandardCharsets.UTF_8));
    assertThat(reply.status()).isEqualTo(200);
    JsonNode response = reply.body().get("response");
    assertThat(response.get("allowed").booleanValue()).isTrue();
    assertThat(response.has("patch")).isFalse();
    assertThat(response.get("warnings").get(0).stringValue())
        .startsWith(
            "spotpack: annotation spotpack.dev/max-spot-fraction-per-node=\"1e-20000000\" is"
                + " invalid");
  }

  /** Item 7: errors speak of the request, never of Java types or the JSON library's switches. */
  @Test
  void errorTextsNameTheRequestsFieldsNotTheParsersInternals() {
    String[] bodies = {
      "{\"Pod\":NaN,\"NodeNames\":[]}",
      "{\"Pod\":{\"metadata\":{\"labels\":[1,2]}},\"NodeNames\":[]}",
      "{\"Pod\":{\"spec\":{\"containers\":{\"a\":1}}},\"NodeNames\":[]}",
      "[".repeat(600),
      "{\"Pod\":{},\"Pod\":{},\"NodeNames\":[]}",
      "{\"Pod\":{\"metadata\":{\"name\":\"x\u0001\"}},\"NodeNames\":[]}",
      "{\"Pod\":\"" + "x".repeat(30_000_000 / 1000) + "\"",
    };
    for (String body : bodies) {
      String error = filter(body).get("Error").stringValue();
      assertThat(error)
          .as(body.length() > 80 ? body.substring(0, 80) : body)
          .isNotEmpty()
          .doesNotContain(
              "java.",
              "JsonToken",
              "JsonReadFeature",
              "StreamReadConstraints",
              "tools.jackson",
              "`");
    }
    assertThat(filter(bodies[1]).get("Error").stringValue())
        .isEqualTo(
            "Pod is not a valid Kubernetes Pod: field metadata.labels has the wrong type or value");
  }

  /** Item 6: a newline in a bind's PodName does not start a log line of its own. */
  @Test
  void aNewlineInAPodNameStaysOnItsLogLine() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ExtenderCalls.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      calls
          .bind(
              ("{\"PodName\":\"x\\n"
                      + "2026-12-02 ERROR forged\",\"PodNamespace\":\"spark\",\"PodUID\":\"u\","
                      + "\"Node\":\"spot-a\"}")
                  .getBytes(StandardCharsets.UTF_8))
          .toCompletableFuture()
          .join();
    } finally {
      logger.detachAppender(appender);
    }
    assertThat(appender.list)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("\n"));
    assertThat(appender.list.get(0).getFormattedMessage())
        .contains("x\\u000a2026-12-02 ERROR forged");
  }
}
