package dev.spotpack.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.spotpack.extender.VerbFuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhook under the same seeded mutations as the verbs ({@link VerbFuzzTest#mutate}), seeded
 * with its golden AdmissionReviews: no exception, 200 or 400 only, and every 200 admits the pod,
 * echoes a uid and carries a patch that decodes to a JSON array. It must never deny a pod.
 */
class SpreadHintWebhookFuzzTest {
  static final int CASES = 4000;
  static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void noBodyCrashesTheWebhookOrDeniesAPod() throws Exception {
    List<byte[]> seeds = new ArrayList<>();
    try (var dirs = Files.walk(Path.of("src/test/resources/golden/webhook"))) {
      for (Path p :
          dirs.filter(f -> f.getFileName().toString().equals("request.json")).sorted().toList()) {
        seeds.add(Files.readAllBytes(p));
      }
    }
    assertThat(seeds).hasSizeGreaterThanOrEqualTo(5);
    SpreadHintWebhook webhook = SpreadHintWebhookTest.webhook();
    SplittableRandom rng = new SplittableRandom(20261122);
    int ran = 0;
    int patched = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] body = VerbFuzzTest.mutate(seeds.get(rng.nextInt(seeds.size())), rng);
      SpreadHintWebhook.Reply[] reply = new SpreadHintWebhook.Reply[1];
      String what = VerbFuzzTest.preview(body);
      assertThatCode(() -> reply[0] = webhook.review(body)).as(what).doesNotThrowAnyException();
      assertThat(reply[0].status()).as(what).isIn(200, 400);
      JsonNode parsed = JSON.readTree(webhook.write(reply[0].body()));
      if (reply[0].status() == 200) {
        JsonNode response = parsed.path("response");
        assertThat(response.path("allowed").asBoolean(false)).as(what).isTrue();
        assertThat(response.path("uid").isString()).as(what).isTrue();
        if (response.has("patch")) {
          assertThat(
                  JSON.readTree(Base64.getDecoder().decode(response.path("patch").stringValue()))
                      .isArray())
              .isTrue();
          patched++;
        }
      }
      ran++;
    }
    assertThat(ran).isEqualTo(CASES);
    // the mutations leave some reviews intact enough to patch: the check above is not vacuous
    assertThat(patched).isPositive();
  }
}
