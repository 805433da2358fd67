package dev.spotpack.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spotpack.app.ExtenderApp;
import dev.spotpack.testing.ExtenderHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extender's listener: one server per event loop, sharing one port. */
class ListenersIT {
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void connectionsAreSharedOutAmongTheEventLoops() throws Exception {
    Router router = Router.router(vertx);
    router.get("/thread").handler(ctx -> ctx.response().end(Thread.currentThread().getName()));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<HttpServer> servers =
        new Listeners(vertx, "127.0.0.1", Duration.ofSeconds(30), registry)
            .listenOnEventLoops(router, null, 0, "test", 4)
            .get(10, TimeUnit.SECONDS);

    // port 0: the four share one free port
    assertThat(servers).hasSize(4);
    int port = servers.get(0).actualPort();
    assertThat(servers).allSatisfy(s -> assertThat(s.actualPort()).isEqualTo(port));

    // four clients, a connection each: each connection is handed to the next server, on its own
    // event loop
    Set<String> threads = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      threads.add(
          client
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/thread"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body());
    }
    assertThat(threads).hasSize(4).allSatisfy(t -> assertThat(t).startsWith("vert.x-eventloop"));
    // four clients, four connections, counted once each however many servers share the port
    assertThat(
            registry.get("spotpack.http.connections.opened").tag("port", "test").counter().count())
        .isEqualTo(4.0);
  }

  /**
   * stop() returns promptly with an idle keep-alive connection open on every one of the extender's
   * event loops (four here, {@code server.eventLoops}): an idle connection is closed, not waited
   * for through the 5 s drain. (The drains run at once, so calls still in flight on several servers
   * cost one drain period, not one each; this example-mode server has no slow call to show that
   * with.)
   */
  @Test
  void stoppingWithAConnectionOnEveryEventLoopIsPrompt(@TempDir Path dir) throws Exception {
    ExtenderApp app = ExtenderHttp.startOnExample(dir, "server:\n  eventLoops: 4\n");
    List<HttpClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        clients.add(client);
        HttpResponse<String> answer =
            client.send(
                HttpRequest.newBuilder(ExtenderHttp.verbUri(app, "filter"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.body()).contains("ExtenderArgs.Pod is missing or null");
      }
    } finally {
      long start = System.nanoTime();
      app.stop();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
    }
  }
}
