package dev.spotpack.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.app.ExtenderApp;
import dev.spotpack.testing.ExtenderHttp;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The running server, on ephemeral loopback ports, over the bundled example cluster. */
class ExtenderServerIT {
  static final int BODY_LIMIT = 64 * 1024;

  /** One body at the limit fits; two do not. */
  static final int IN_FLIGHT_BUDGET = 100_000;

  static ExtenderApp app;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final JsonMapper JSON = JsonMapper.builder().build();
  static String request;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    app =
        ExtenderHttp.startOnExample(
            dir,
            "server:\n  maxRequestBodyBytes: "
                + BODY_LIMIT
                + "\n  maxRequestBytesInFlight: "
                + IN_FLIGHT_BUDGET
                + "\n");
    request = Files.readString(Path.of("src/main/resources/examples/filter-request.json"));
  }

  @AfterAll
  static void stop() {
    app.stop();
  }

  static HttpResponse<String> post(String verb, String body) throws Exception {
    return ExtenderHttp.post(app, verb, body);
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A request is refused with 503 before its body is read while the bodies in flight would pass the
   * budget: 60,000 bytes held by a client that has sent 10 of them, + 60,000 > 100,000. Once the
   * first is answered, the same request is served.
   */
  @Test
  void requestsOverTheInFlightBudgetGet503AndNothingIsLost() throws Exception {
    String head =
        "POST /scheduler/filter HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 60000\r\n\r\n";
    try (Socket holder = new Socket("127.0.0.1", app.extenderPort())) {
      holder.getOutputStream().write((head + "{\"Pod\": {}").getBytes(StandardCharsets.US_ASCII));
      holder.getOutputStream().flush();
      String body = " ".repeat(60_000 - request.length()) + request;
      // admitted once its headers are read
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  get(app.managementPort(), "/metrics")
                      .body()
                      .contains("spotpack_request_bytes_in_flight_bytes 60000.0"));
      HttpResponse<String> refused = post("filter", body);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(refused.body()).path("Error").stringValue())
          .isEqualTo(
              "spotpack is busy: request bodies in progress are over its memory budget of 100000"
                  + " bytes; retry");
      assertThat(refused.headers().firstValue("Retry-After")).contains("1");

      holder.getOutputStream().write(" ".repeat(60_000 - 10).getBytes(StandardCharsets.US_ASCII));
      holder.getOutputStream().flush();
      assertThat(new String(holder.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
          .isEqualTo("HTTP/1.1 200");
      // released when the server has finished the response, which may be just after the client read
      // it
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  get(app.managementPort(), "/metrics")
                      .body()
                      .contains("spotpack_request_bytes_in_flight_bytes 0.0"));
      assertThat(post("filter", body).statusCode()).isEqualTo(200);
    }
    assertThat(get(app.managementPort(), "/metrics").body())
        .contains("spotpack_requests_refused_busy_total");
  }

  @Test
  void filtersPrioritizesAndBindsOverHttp() throws Exception {
    HttpResponse<String> filter = post("filter", request);
    assertThat(filter.statusCode()).isEqualTo(200);
    assertThat(filter.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode result = JSON.readTree(filter.body());
    assertThat(result.get("FailedAndUnresolvableNodes").get("spot-a").stringValue())
        .isEqualTo(
            "spot node: job spark-7f3 already has 3 of its 12 executors here (cap 3 = 25%); limit"
                + " set by spotpack");
    assertThat(result.get("Error").stringValue()).isEmpty();

    HttpResponse<String> prioritize = post("prioritize", request);
    assertThat(prioritize.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(prioritize.body()).isArray()).isTrue();
  }

  @Test
  void aBindCountsForTheNextFilter() throws Exception {
    // spark-7f3-exec-7 is pending in the example; after binding it to spot-b, spot-b holds 3 of 12
    HttpResponse<String> bind =
        post(
            "bind",
            "{\"PodName\":\"spark-7f3-exec-7\",\"PodNamespace\":\"spark\",\"PodUID\":\"\",\"Node\":\"spot-b\"}");
    assertThat(bind.statusCode()).isEqualTo(200);
    assertThat(bind.body()).isEqualTo("{\"Error\":\"\"}");

    JsonNode after = JSON.readTree(post("filter", request).body());
    assertThat(after.get("FailedAndUnresolvableNodes").get("spot-b").stringValue())
        .isEqualTo(
            "spot node: job spark-7f3 already has 3 of its 12 executors here (cap 3 = 25%); limit"
                + " set by spotpack");
  }

  /**
   * Declared over the limit, the body is refused before it is read; sent without a length
   * (chunked), once the limit is passed. Either way 413 with the limit, then served again.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "chunked: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void anOversizedBodyGets413AndTheServerKeepsServing(boolean chunked) throws Exception {
    String body = "{\"Pod\":{},\"NodeNames\":[\"" + "x".repeat(BODY_LIMIT) + "\"]}";
    HttpResponse<String> big = chunked ? postChunked("filter", body) : post("filter", body);
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(big.body()).get("Error").stringValue())
        .isEqualTo(
            "request body larger than "
                + BODY_LIMIT
                + " bytes (config server.maxRequestBodyBytes)");
    assertThat(post("filter", request).statusCode()).isEqualTo(200);
  }

  @Test
  void malformedBodiesGetAnErrorThatNamesTheProblem() throws Exception {
    HttpResponse<String> filter = post("filter", "{\"Pod\":");
    assertThat(filter.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(filter.body()).get("Error").stringValue())
        .startsWith("request body is not valid JSON");

    HttpResponse<String> prioritize = post("prioritize", "{\"NodeNames\":[]}");
    assertThat(prioritize.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(prioritize.body()).get("Error").stringValue())
        .isEqualTo("ExtenderArgs.Pod is missing or null");

    HttpResponse<String> bind = post("bind", "{}");
    assertThat(bind.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(bind.body()).get("Error").stringValue())
        .isEqualTo("ExtenderBindingArgs.PodName is missing or empty");
  }

  /** What {@code curl -d} sends (issue 14): the body is read as JSON whatever the type says. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain"
      })
  void aBodyIsJsonWhateverItsContentType(String contentType) throws Exception {
    StringBuilder names = new StringBuilder("\"spot-a\"");
    for (int i = 0; i < 2000; i++) {
      names.append(",\"pad-").append(i).append('"');
    }
    // over 8 KiB, where the form decoder used to give up with a plain-text 400
    String body =
        request.replaceFirst("\"NodeNames\":\\[[^\\]]*\\]", "\"NodeNames\":[" + names + "]");
    assertThat(body.length()).isGreaterThan(16 * 1024);
    for (String verb : new String[] {"filter", "prioritize"}) {
      HttpResponse<String> reply =
          HTTP.send(
              HttpRequest.newBuilder(ExtenderHttp.verbUri(app, verb))
                  .header("Content-Type", contentType)
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).as(verb).isEqualTo(200);
      assertThat(reply.headers().firstValue("Content-Type")).contains("application/json");
      JsonNode json = JSON.readTree(reply.body());
      if (verb.equals("filter")) {
        assertThat(json.get("Error").stringValue()).isEmpty();
        assertThat(json.get("FailedAndUnresolvableNodes").get("spot-a").stringValue())
            .startsWith("spot node: job spark-7f3");
      } else {
        assertThat(json.size()).isEqualTo(2001);
      }
    }
  }

  /**
   * A body without a Content-Length (chunked), larger than the reader's first 16 KiB, is read
   * whole: the same answer as with its length declared. 40,000 leading spaces + the example request
   * is under the 64 KiB limit.
   */
  @Test
  void aChunkedBodyIsReadWholeAsADeclaredOne() throws Exception {
    String padded = " ".repeat(40_000) + request;
    assertThat(padded.length())
        .isGreaterThan(WholeBody.UNKNOWN_LENGTH_START)
        .isLessThan(BODY_LIMIT);
    HttpResponse<String> declared = post("filter", padded);
    HttpResponse<String> chunked = postChunked("filter", padded);
    assertThat(declared.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(declared.body()).get("NodeNames").size()).isPositive();
    assertThat(chunked.statusCode()).isEqualTo(200);
    assertThat(chunked.body()).isEqualTo(declared.body());
  }

  /** curl sends {@code Expect: 100-continue} with larger bodies; the server answers it. */
  @Test
  void expectContinueIsAnswered() throws Exception {
    HttpResponse<String> reply =
        HTTP.send(
            HttpRequest.newBuilder(ExtenderHttp.verbUri(app, "filter"))
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString(request))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo(post("filter", request).body());
  }

  private static HttpResponse<String> postChunked(String verb, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return HTTP.send(
        HttpRequest.newBuilder(ExtenderHttp.verbUri(app, verb))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A malformed chunk: never a 500, and the server keeps serving. */
  @Test
  void aMalformedChunkIsRefusedAndTheServerKeepsServing() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", app.extenderPort())) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(
              ("POST /scheduler/filter HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      + "ZZZ\r\nxx\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      byte[] answer = socket.getInputStream().readAllBytes();
      String head = new String(answer, StandardCharsets.US_ASCII);
      // the connection is closed, with a 400 when one could still be written; never a 500
      assertThat(head)
          .satisfiesAnyOf(
              h -> assertThat(h).isEmpty(), h -> assertThat(h).startsWith("HTTP/1.1 400"));
    }
    assertThat(post("filter", request).statusCode()).isEqualTo(200);
  }

  /** kube-scheduler speaks HTTP/1.1 to extenders; an h2c upgrade is declined. */
  @Test
  void cleartextHttp2IsNotOffered() throws Exception {
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    HttpResponse<String> reply =
        h2.send(
            HttpRequest.newBuilder(ExtenderHttp.verbUri(app, "filter"))
                .POST(HttpRequest.BodyPublishers.ofString(request))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(reply.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(reply.statusCode()).isEqualTo(200);
  }

  @Test
  void unknownPathsAndMethodsAreRefusedByTheRouter() throws Exception {
    assertThat(post("preempt", "{}").statusCode()).isEqualTo(404);
    assertThat(get(app.extenderPort(), "/scheduler/filter").statusCode()).isEqualTo(405);
  }

  @Test
  void parallelCallsAllSucceed() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      calls.add(
          HTTP.sendAsync(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + app.extenderPort()
                              + "/scheduler/"
                              + (i % 2 == 0 ? "filter" : "prioritize")))
                  .POST(HttpRequest.BodyPublishers.ofString(request))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> c : calls) {
      assertThat(c.get().statusCode()).isEqualTo(200);
    }
  }

  /**
   * Mutated bodies through the real server (the verb-level fuzz test skips HTTP): every reply has
   * an allowed status and a JSON body, and the server still answers a valid call in time afterwards
   * (no stuck event loop, no lost worker).
   */
  @Test
  void survivesMutatedBodiesThroughHttp(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    // its own server: in snapshot mode every pod seen in a filter call becomes known, and fuzzed
    // pods must not change what the other tests' shared example cluster answers
    ExtenderApp fuzzed =
        ExtenderApp.create(
            new ExtenderApp.Options(null, new ExtenderApp.Source.Example(), "127.0.0.1", 0, 0));
    fuzzed.start();
    try {
      fuzz(fuzzed);
    } finally {
      fuzzed.stop();
    }
  }

  private static void fuzz(ExtenderApp app) throws Exception {
    SplittableRandom rng = new SplittableRandom(7);
    byte[] seed = request.getBytes(StandardCharsets.UTF_8);
    for (String verb : List.of("filter", "prioritize", "bind")) {
      for (int i = 0; i < 150; i++) {
        byte[] body = dev.spotpack.extender.VerbFuzzTest.mutate(seed, rng);
        HttpResponse<String> reply =
            HTTP.send(
                HttpRequest.newBuilder(ExtenderHttp.verbUri(app, verb))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).as("%s status", verb).isIn(200, 400, 413);
        assertThat(JSON.readTree(reply.body())).as("%s body %s", verb, reply.body()).isNotNull();
      }
    }
    HttpResponse<String> ok =
        HTTP.send(
            HttpRequest.newBuilder(ExtenderHttp.verbUri(app, "filter"))
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(request))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(ok.body()).get("Error").stringValue()).isEmpty();
  }

  @Test
  void managementEndpoints() throws Exception {
    post("filter", request);
    assertThat(get(app.managementPort(), "/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get(app.managementPort(), "/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ready\n");
    HttpResponse<String> metrics = get(app.managementPort(), "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("spotpack_verb_calls_total{outcome=\"ok\",verb=\"filter\"}")
        .contains("spotpack_rejections_total{rule=\"per_node_cap\"}")
        .contains("spotpack_verb_duration_seconds_bucket{verb=\"filter\",le=\"0.002\"}")
        // the start-up warm-up is for a live spotpack only (kube.LiveClusterIT)
        .doesNotContain("spotpack_warmup_running");
  }
}
