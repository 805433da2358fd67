package dev.spotpack.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.app.ExtenderApp;
import dev.spotpack.testing.ExtenderHttp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bodies above {@link ExtenderRoutes#EVENT_LOOP_BODY_BYTES}, which filter and prioritize decide on
 * a worker thread instead of the event loop: the same answers as a small body, and the same errors.
 */
class LargeBodyIT {
  /** The example request plus this many names of nodes spotpack has never seen. */
  static final int UNKNOWN_NAMES = 20_000;

  static ExtenderApp app;
  static final JsonMapper JSON = JsonMapper.builder().build();
  static String large;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    app = ExtenderHttp.startOnExample(dir, "");
    ObjectNode request =
        (ObjectNode)
            JSON.readTree(
                Files.readString(Path.of("src/main/resources/examples/filter-request.json")));
    ArrayNode names = (ArrayNode) request.get("NodeNames");
    for (int i = 0; i < UNKNOWN_NAMES; i++) {
      names.add("unknown-node-" + i);
    }
    large = JSON.writeValueAsString(request);
    // 20,000 names of about 20 bytes: over the event loop's limit
    assertThat(large.length()).isGreaterThan(ExtenderRoutes.EVENT_LOOP_BODY_BYTES);
  }

  @AfterAll
  static void stop() {
    app.stop();
  }

  static HttpResponse<String> post(String verb, String body) throws Exception {
    return ExtenderHttp.post(app, verb, body);
  }

  @Test
  void aLargeFilterIsDecidedAsASmallOne() throws Exception {
    HttpResponse<String> filter = post("filter", large);
    assertThat(filter.statusCode()).isEqualTo(200);
    JsonNode result = JSON.readTree(filter.body());
    assertThat(result.get("Error").stringValue()).isEmpty();
    // as ExtenderServerIT's small request: spot-a holds 3 of the job's 12 executors, its cap
    assertThat(result.get("FailedAndUnresolvableNodes").get("spot-a").stringValue())
        .isEqualTo(
            "spot node: job spark-7f3 already has 3 of its 12 executors here (cap 3 = 25%); limit"
                + " set by spotpack");
    assertThat(result.get("FailedAndUnresolvableNodes").get("unknown-node-19999").stringValue())
        .startsWith("node not yet known to spotpack");
    // every unknown name refused, spot-a refused, the four others passed
    assertThat(result.get("FailedAndUnresolvableNodes").size()).isEqualTo(UNKNOWN_NAMES + 1);
    assertThat(result.get("NodeNames").size()).isEqualTo(4);
  }

  @Test
  void aLargePrioritizeScoresEveryName() throws Exception {
    HttpResponse<String> prioritize = post("prioritize", large);
    assertThat(prioritize.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(prioritize.body()).size()).isEqualTo(UNKNOWN_NAMES + 5);
  }

  @Test
  void aLargeMalformedBodyGetsTheSameError() throws Exception {
    String noPod = large.replace("\"Pod\":{", "\"Pad\":{");
    HttpResponse<String> prioritize = post("prioritize", noPod);
    assertThat(prioritize.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(prioritize.body()).get("Error").stringValue())
        .isEqualTo("ExtenderArgs.Pod is missing or null");
  }
}
