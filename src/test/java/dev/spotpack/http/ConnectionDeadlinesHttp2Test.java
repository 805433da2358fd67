package dev.spotpack.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spotpack.testing.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deadlines on an HTTP/2 connection (over TLS, as spotpack's listeners offer it): per stream,
 * not per connection. Headers deadline 1 s, request deadline 300 ms, so streams are checked every
 * 75 ms; the waits keep hundreds of milliseconds from every deadline.
 */
class ConnectionDeadlinesHttp2Test {
  static final Duration HEADERS = Duration.ofMillis(1000);
  static final Duration REQUEST = Duration.ofMillis(300);
  static final long GIVE_UP_MILLIS = 5_000;

  @TempDir static Path certificates;

  Vertx vertx;
  HttpServer server;
  HttpClient client;
  final AtomicInteger opened = new AtomicInteger();

  /** Streams whose response was closed before it ended: reset. */
  final AtomicInteger cutOff = new AtomicInteger();

  final AtomicLong cutOffAtNanos = new AtomicLong();

  @BeforeAll
  static void makeCertificates() throws Exception {
    assumeTrue(
        TestCertificates.opensslAvailable(certificates),
        "openssl is not installed: cannot make test certificates");
    TestCertificates.make(certificates);
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ConnectionDeadlines deadlines = new ConnectionDeadlines(vertx, HEADERS, REQUEST, "test");
    Router router = Router.router(vertx);
    router
        .route()
        .handler(
            ctx -> {
              HttpServerResponse response = ctx.response();
              response.closeHandler(
                  v -> {
                    if (!response.ended()) { // an HTTP/2 stream also closes after its end
                      cutOffAtNanos.set(System.nanoTime());
                      cutOff.incrementAndGet();
                    }
                  });
              ctx.next();
            });
    router.route().handler(BodyHandler.create(false)).handler(ctx -> ctx.response().end("ok"));
    server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setHttp2ClearTextEnabled(false)
                    .setUseAlpn(true)
                    .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
                    .setSsl(true)
                    .setKeyCertOptions(
                        new PemKeyCertOptions()
                            .setCertPath(certificates.resolve("server.crt").toString())
                            .setKeyPath(certificates.resolve("server.key").toString())))
            .connectionHandler(
                connection -> {
                  opened.incrementAndGet();
                  deadlines.onConnection(connection);
                })
            .requestHandler(deadlines.wrap(router))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    client =
        HttpClient.newBuilder()
            .sslContext(TestCertificates.clientContext(certificates, false))
            .version(HttpClient.Version.HTTP_2)
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  URI uri() {
    return URI.create("https://127.0.0.1:" + server.actualPort() + "/x");
  }

  HttpResponse<String> get() throws Exception {
    return client.send(HttpRequest.newBuilder(uri()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A body that sends a byte every 50 ms for up to {@link #GIVE_UP_MILLIS}. */
  static InputStream trickle() {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GIVE_UP_MILLIS);
    return new InputStream() {
      @Override
      public int read() {
        if (System.nanoTime() > until) {
          return -1;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return -1;
        }
        return 'a';
      }
    };
  }

  @Test
  void aStreamSentOneByteAtATimeIsResetAndItsConnectionGoesOn() throws Exception {
    HttpResponse<String> first = get();
    assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(first.body()).isEqualTo("ok");

    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> slow =
        client.sendAsync(
            HttpRequest.newBuilder(uri())
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(ConnectionDeadlinesHttp2Test::trickle))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get().body()).isEqualTo("ok"); // another stream on the same connection meanwhile
    awaitMillis(() -> cutOff.get() == 1);
    assertThat(cutOff.get()).as("the slow stream was reset").isEqualTo(1);
    assertThat(TimeUnit.NANOSECONDS.toMillis(cutOffAtNanos.get() - start))
        .as("reset after the request deadline, long before the body would have ended")
        .isBetween(REQUEST.toMillis(), GIVE_UP_MILLIS - 1_000);

    assertThat(get().body()).isEqualTo("ok");
    assertThat(opened.get()).as("connections opened: the reset left the connection").isEqualTo(1);
    assertThat(slow).failsWithin(Duration.ofMillis(GIVE_UP_MILLIS * 2));
  }

  /** Streams done within the deadline, many at once on one connection, are left alone. */
  @Test
  void promptStreamsAtOnceAreNotReset() throws Exception {
    assertThat(get().body()).isEqualTo("ok"); // the connection first: the JDK's client opens
    // one for each call made before it has one
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < 20; i++) {
        calls.add(
            client.sendAsync(
                HttpRequest.newBuilder(uri()).build(), HttpResponse.BodyHandlers.ofString()));
      }
      Thread.sleep(150); // rounds span past the request deadline, well within the headers one
    }
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      assertThat(call.get(GIVE_UP_MILLIS, TimeUnit.MILLISECONDS).body()).isEqualTo("ok");
    }
    assertThat(cutOff.get()).isZero();
    assertThat(opened.get()).isEqualTo(1);
  }

  /**
   * No stream started for the headers deadline and none open: the connection is closed, so the next
   * call opens another; one within the deadline reuses it.
   */
  @Test
  void anIdleConnectionIsClosedAfterTheHeadersDeadline() throws Exception {
    assertThat(get().body()).isEqualTo("ok");
    Thread.sleep(HEADERS.toMillis() / 2);
    assertThat(get().body()).isEqualTo("ok");
    assertThat(opened.get()).as("reused within the deadline").isEqualTo(1);
    Thread.sleep(HEADERS.toMillis() + 500);
    assertThat(get().body()).isEqualTo("ok");
    assertThat(opened.get()).as("closed after the deadline: a new connection").isEqualTo(2);
  }

  static long elapsedMillis(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** Polls until {@code done} or {@link #GIVE_UP_MILLIS}. */
  static void awaitMillis(BooleanSupplier done) throws InterruptedException {
    long start = System.nanoTime();
    while (!done.getAsBoolean() && elapsedMillis(start) < GIVE_UP_MILLIS) {
      Thread.sleep(10);
    }
  }
}
