package dev.spotpack.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.policy.spot.PlacementGate;
import dev.spotpack.policy.spot.PodRoles;
import dev.spotpack.policy.spot.Profiles;
import dev.spotpack.policy.spot.SpotNodes;
import dev.spotpack.policy.spot.SpreadHints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Golden cases for the webhook: {@code src/test/resources/golden/webhook/<case>/} holds {@code
 * request.json} (an AdmissionReview as the API server sends it), {@code response.json} (the answer,
 * with the base64 patch), {@code patch.json} (that patch decoded, for review) when there is one,
 * {@code status} when the answer is not 200, and a README with the arithmetic. Run with {@code
 * -Dgolden.update=true} to rewrite the expected files, then review the diff.
 */
class SpreadHintWebhookTest {
  static final Path ROOT = Path.of("src/test/resources/golden/webhook");
  static final JsonMapper MAPPER = JsonMapper.builder().build();

  static Stream<Named<Path>> cases() throws IOException {
    try (Stream<Path> dirs = Files.list(ROOT)) {
      return dirs
          .filter(Files::isDirectory)
          .sorted()
          .map(d -> Named.of(d.getFileName().toString(), d))
          .toList()
          .stream();
    }
  }

  static SpreadHintWebhook webhook() {
    return new SpreadHintWebhook(
        new SpreadHints(PodRoles.SPARK, Profiles.DEFAULT), new SimpleMeterRegistry());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void golden(Path dir) throws IOException {
    SpreadHintWebhook.Reply reply =
        webhook().review(Files.readAllBytes(dir.resolve("request.json")));
    JsonNode patch =
        reply.body().path("response").has("patch")
            ? MAPPER.readTree(
                Base64.getDecoder()
                    .decode(reply.body().path("response").path("patch").stringValue()))
            : null;
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(
          dir.resolve("response.json"),
          MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(reply.body()) + "\n");
      if (patch != null) {
        Files.writeString(
            dir.resolve("patch.json"),
            MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(patch) + "\n");
      }
      if (reply.status() != 200) {
        Files.writeString(dir.resolve("status"), reply.status() + "\n");
      }
    }
    Path status = dir.resolve("status");
    int wantStatus = Files.exists(status) ? Integer.parseInt(Files.readString(status).trim()) : 200;
    assertThat(reply.status()).isEqualTo(wantStatus);
    assertThat(reply.body()).isEqualTo(MAPPER.readTree(dir.resolve("response.json").toFile()));
    Path patchFile = dir.resolve("patch.json");
    if (Files.exists(patchFile)) {
      assertThat(patch).isEqualTo(MAPPER.readTree(patchFile.toFile()));
    } else {
      assertThat(patch).isNull();
    }
  }

  static SpreadHintWebhook gatedWebhook() {
    return new SpreadHintWebhook(
        new SpreadHints(PodRoles.SPARK, Profiles.DEFAULT),
        new PlacementGate(PodRoles.SPARK, SpotNodes.DEFAULT, Profiles.DEFAULT),
        new SimpleMeterRegistry());
  }

  /**
   * With the placement gate (live mode): the same golden requests; an executor gets the gate after
   * the spread hint, or alone when it has no hint; anything else is answered as without the gate.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("gateCases")
  void theGateGoesOnExecutorsWithValidAnnotations(String dir, String wantLastOp)
      throws IOException {
    byte[] request = Files.readAllBytes(ROOT.resolve(dir).resolve("request.json"));
    JsonNode response = gatedWebhook().review(request).body().path("response");
    JsonNode plain = webhook().review(request).body().path("response");
    if (wantLastOp.isEmpty()) {
      assertThat(response).isEqualTo(plain);
      return;
    }
    JsonNode patch =
        MAPPER.readTree(Base64.getDecoder().decode(response.path("patch").stringValue()));
    JsonNode last = patch.get(patch.size() - 1);
    assertThat(MAPPER.writeValueAsString(last)).isEqualTo(wantLastOp);
    assertThat(response.path("warnings")).isEqualTo(plain.path("warnings"));
  }

  static Stream<Arguments> gateCases() {
    String newList =
        "{\"op\":\"add\",\"path\":\"/spec/schedulingGates\",\"value\":[{\"name\":\"spotpack.dev/placement\"}]}";
    return Stream.of(
        Arguments.of("executor-with-size", newList),
        Arguments.of("executor-with-zone-spread", newList),
        // no declared size: no spread hint (and its warning), but the gate still applies
        Arguments.of("executor-without-size", newList),
        Arguments.of("driver", ""),
        Arguments.of("annotation-not-a-string", ""),
        Arguments.of("update-ignored", ""));
  }

  @Test
  void theGateIsAppendedToOtherGatesAndNeverPutOnABoundPodOrTwice() throws IOException {
    ObjectNode review =
        (ObjectNode) MAPPER.readTree(ROOT.resolve("executor-without-size/request.json").toFile());
    ObjectNode spec = (ObjectNode) review.path("request").path("object").path("spec");
    spec.putArray("schedulingGates").addObject().put("name", "example.com/quota");
    JsonNode patch =
        MAPPER.readTree(
            Base64.getDecoder()
                .decode(
                    gatedWebhook()
                        .review(MAPPER.writeValueAsBytes(review))
                        .body()
                        .path("response")
                        .path("patch")
                        .stringValue()));
    assertThat(MAPPER.writeValueAsString(patch))
        .isEqualTo(
            "[{\"op\":\"add\",\"path\":\"/spec/schedulingGates/-\",\"value\":{\"name\":\"spotpack.dev/placement\"}}]");

    ((ArrayNode) spec.get("schedulingGates")).addObject().put("name", "spotpack.dev/placement");
    assertThat(
            gatedWebhook()
                .review(MAPPER.writeValueAsBytes(review))
                .body()
                .path("response")
                .has("patch"))
        .isFalse();

    spec.remove("schedulingGates");
    spec.put("nodeName", "node-1");
    assertThat(
            gatedWebhook()
                .review(MAPPER.writeValueAsBytes(review))
                .body()
                .path("response")
                .has("patch"))
        .isFalse();
  }

  /**
   * The response always echoes the request's uid; the API server rejects an answer that does not.
   */
  @Test
  void answersEveryRequestWithItsOwnUid() throws IOException {
    ObjectNode review = (ObjectNode) MAPPER.readTree(ROOT.resolve("driver/request.json").toFile());
    ((ObjectNode) review.get("request")).put("uid", "another-uid");
    JsonNode body = webhook().review(MAPPER.writeValueAsBytes(review)).body();
    assertThat(body.path("response").path("uid").stringValue()).isEqualTo("another-uid");
  }

  /**
   * Of the pod's labels and annotations, the webhook reads only its own: the others never become
   * tree nodes (a pod author's 55,000 keys chosen to collide cost what ordinary ones cost), so a
   * duplicate among them goes unseen, as in Go; one among the labels it reads is still refused.
   */
  @Test
  void readsOnlyTheLabelsAndAnnotationsItDecidesOn() throws IOException {
    String request = Files.readString(ROOT.resolve("executor-with-size/request.json"));
    String unread =
        request.replaceFirst(
            "\"labels\"\\s*:\\s*\\{", "\"labels\":{\"team\":\"a\",\"team\":\"b\",");
    assertThat(unread).isNotEqualTo(request);
    SpreadHintWebhook.Reply reply = webhook().review(unread.getBytes(StandardCharsets.UTF_8));
    assertThat(reply.body().path("response").path("patch").stringValue())
        .isEqualTo(
            webhook()
                .review(request.getBytes(StandardCharsets.UTF_8))
                .body()
                .path("response")
                .path("patch")
                .stringValue())
        .isNotEmpty();

    String read =
        request.replaceFirst("\"labels\"\\s*:\\s*\\{", "\"labels\":{\"spark-role\":\"driver\",");
    SpreadHintWebhook.Reply refused = webhook().review(read.getBytes(StandardCharsets.UTF_8));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().path("error").stringValue())
        .startsWith(
            "request body is not valid JSON: a field appears twice: \"spark-role\" at line ");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedBodiesGet400NamingTheProblem(String body, String message) {
    SpreadHintWebhook.Reply reply = webhook().review(body.getBytes(StandardCharsets.UTF_8));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().path("error").stringValue()).contains(message);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("", "must be an AdmissionReview object"),
        Arguments.of("{\"apiVersion\":", "not valid JSON"),
        Arguments.of("[1]", "must be an AdmissionReview object"),
        Arguments.of(
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{}}", "request.uid is missing"),
        Arguments.of(
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"apiVersion\":\"admission.k8s.io/v1\"}",
            "not valid JSON"),
        Arguments.of(
            "{\"apiVersion\":\"admission.k8s.io/v1\"} {}",
            "request body is not valid JSON: trailing content after the first value"));
  }
}
