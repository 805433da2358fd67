package dev.spotpack.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.extender.ExtenderCalls;
import dev.spotpack.testing.Clusters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Request bodies and answers live in pooled buffers ({@link WholeBody}, {@link ExtenderRoutes}):
 * every buffer taken goes back to the pool, however the call ends, and the answers are those the
 * verbs give for the same bytes in an array of their own. The pool here keeps no per-thread caches,
 * so its arenas count every buffer not yet given back.
 */
class PooledBodiesTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden");

  /** Above {@link ExtenderRoutes#EVENT_LOOP_BODY_BYTES}, so a body can go to a worker thread. */
  static final int BODY_LIMIT = 512 * 1024;

  final PooledByteBufAllocator pool = new PooledByteBufAllocator(true, 1, 1, 8192, 9, 0, 0, false);
  final HttpClient http = HttpClient.newHttpClient();
  Vertx vertx;
  HttpServer server;
  ExtenderCalls served;
  ExtenderCalls expected;
  final List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    served = Clusters.goldenCalls("cluster.yaml");
    expected = Clusters.goldenCalls("cluster.yaml");
    vertx = Vertx.vertx();
    // a buffer given back twice throws in a handler, where nothing else would see it
    vertx.exceptionHandler(uncaught::add);
    BodyBudget budget = new BodyBudget(8L * BODY_LIMIT, BODY_LIMIT, new SimpleMeterRegistry());
    server =
        vertx
            .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
            .requestHandler(new ExtenderRoutes(served, budget, pool).router(vertx))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /**
   * Filter, prioritize and bind in kube-scheduler's layout, a body the general reader reads, a
   * malformed one, and one large enough to be decided on a worker: each answered as the verbs
   * answer the same bytes, and nothing left taken from the pool.
   */
  @Test
  void everyVerbAnswersAsFromItsOwnArrayAndGivesItsBuffersBack() throws Exception {
    byte[] filter = golden("filter/node-names-per-node-cap/request.json");
    byte[] prioritize = golden("prioritize/most-allocated/request.json");
    byte[] bind = golden("bind/known-pod/request.json");
    byte[] spaced =
        ("  " + new String(filter, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    byte[] malformed = "{\"Pod\":{\"metadata\":".getBytes(StandardCharsets.US_ASCII);
    byte[] large =
        (" ".repeat(300_000) + new String(filter, StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8);
    assertThat(large.length).isGreaterThan(ExtenderRoutes.EVENT_LOOP_BODY_BYTES);

    for (byte[] body : List.of(filter, spaced, malformed, large)) {
      assertThat(post("filter", body)).isEqualTo(written(expected.filter(body)));
    }
    assertThat(post("prioritize", prioritize)).isEqualTo(written(expected.prioritize(prioritize)));
    assertThat(post("bind", bind))
        .isEqualTo(written(expected.bind(bind).toCompletableFuture().get(10, TimeUnit.SECONDS)));

    awaitAllGivenBack();
  }

  /**
   * Four connections at once, each sending its own body eight times in a row: no answer is made
   * from another request's bytes, and the pool ends as it began.
   */
  @Test
  void concurrentCallsEachReadTheirOwnBytes() throws Exception {
    List<byte[]> bodies =
        Stream.of(
                "node-names-per-node-cap",
                "driver-off-spot",
                "unknown-node-name",
                "pool-at-its-cap")
            .map(name -> golden("filter/" + name + "/request.json"))
            .toList();
    List<String> answers = new ArrayList<>();
    for (byte[] body : bodies) {
      answers.add(written(expected.filter(body)));
    }
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int c = 0; c < bodies.size(); c++) {
      int client = c;
      clients.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 8; i++) {
                  assertThat(post("filter", bodies.get(client))).isEqualTo(answers.get(client));
                }
              }));
    }
    CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    awaitAllGivenBack();
  }

  /**
   * Bodies that end before they are read whole: too large as declared (refused before a buffer is
   * taken), too large as sent without a length (refused midway, after the buffer grew), and cut off
   * by the client closing its connection.
   */
  @Test
  void bodiesRefusedOrCutOffGiveTheirBuffersBack() throws Exception {
    assertThat(exchange(head(BODY_LIMIT + 1) + "{}")).startsWith("HTTP/1.1 413");

    StringBuilder chunked =
        new StringBuilder(
            "POST /scheduler/filter HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    String chunk = " ".repeat(64 * 1024);
    for (int sent = 0; sent <= BODY_LIMIT; sent += chunk.length()) {
      chunked
          .append(Integer.toHexString(chunk.length()))
          .append("\r\n")
          .append(chunk)
          .append("\r\n");
    }
    assertThat(exchange(chunked.append("0\r\n\r\n").toString())).startsWith("HTTP/1.1 413");

    try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
      s.getOutputStream().write((head(100_000) + "{\"Pod\":").getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> active() > 0); // the body's buffer is taken
    }

    awaitAllGivenBack();
  }

  private String head(int contentLength) {
    return "POST /scheduler/filter HTTP/1.1\r\nHost: x\r\nContent-Length: "
        + contentLength
        + "\r\n\r\n";
  }

  /** Sends {@code request} on a connection of its own and reads the answer's first bytes. */
  private String exchange(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (java.io.IOException closedWhileSending) {
        // the server answers and closes before it has read everything sent
      }
      InputStream in = s.getInputStream();
      byte[] answer = new byte[64];
      int n = in.readNBytes(answer, 0, answer.length);
      return new String(answer, 0, n, StandardCharsets.US_ASCII);
    }
  }

  private String post(String verb, byte[] body) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + server.actualPort()
                              + ExtenderRoutes.PREFIX
                              + "/"
                              + verb))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() + " " + response.body();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private String written(ExtenderCalls.Reply reply) {
    return reply.status() + " " + new String(expected.write(reply.body()), StandardCharsets.UTF_8);
  }

  private static byte[] golden(String path) {
    try {
      return Files.readAllBytes(GOLDEN.resolve(path));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Buffers taken from the pool and not given back. */
  private long active() {
    long n = 0;
    for (PoolArenaMetric arena : pool.metric().heapArenas()) {
      n += arena.numActiveAllocations();
    }
    for (PoolArenaMetric arena : pool.metric().directArenas()) {
      n += arena.numActiveAllocations();
    }
    return n;
  }

  /**
   * Answers are given back once written, a moment after the client has read them; and none was
   * given back twice.
   */
  private void awaitAllGivenBack() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(active()).as("buffers not given back").isZero());
    assertThat(uncaught).isEmpty();
  }
}
