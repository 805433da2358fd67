package dev.spotpack.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server with no idle timeout, only the deadlines (headers 1 s, request 300 ms), so that only
 * they can close a connection. The clients trickle a byte every 50 ms: never idle, never done. The
 * waits keep hundreds of milliseconds from every deadline, so a loaded machine does not flip them.
 */
class ConnectionDeadlinesTest {
  static final Duration HEADERS = Duration.ofMillis(1000);
  static final Duration REQUEST = Duration.ofMillis(300);

  /** Far past the deadline: a connection still open by then was not cut off. */
  static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(5);

  Vertx vertx;
  HttpServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ConnectionDeadlines deadlines = new ConnectionDeadlines(vertx, HEADERS, REQUEST, "test");
    // as spotpack's listeners: HTTP/1.1 only (see ConnectionDeadlines)
    server =
        vertx
            .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
            .connectionHandler(deadlines::onConnection)
            .requestHandler(deadlines.wrap(router()))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  /**
   * A web router, as spotpack's listeners have, with an end handler as the body budget adds: the
   * router then owns the response's end handler, and any set before it is replaced.
   */
  Router router() {
    Router router = Router.router(vertx);
    router
        .route()
        .handler(
            ctx -> {
              ctx.addEndHandler(done -> {});
              ctx.next();
            });
    router.route().handler(BodyHandler.create(false)).handler(ctx -> ctx.response().end("ok"));
    return router;
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void headersSentOneByteAtATimeAreCutOff() throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream().write("POST /x HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
      assertThat(trickleUntilClosed(s)).as(received.toString()).isTrue();
    }
  }

  @Test
  void aBodySentOneByteAtATimeIsCutOff() throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream()
          .write(
              ("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(trickleUntilClosed(s)).isTrue();
    }
  }

  /**
   * A keep-alive client that pauses less than the deadline between requests keeps its connection.
   */
  @Test
  void promptRequestsOnOneConnectionAreNotCutOff() throws IOException {
    try (Socket s = connect()) {
      for (int i = 0; i < 4; i++) {
        s.getOutputStream()
            .write("GET /x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(readResponse(s)).startsWith("HTTP/1.1 200").endsWith("ok");
        pause(s, 150); // well within the headers deadline
      }
    }
  }

  /**
   * A keep-alive connection idle after its response is kept at least the headers deadline (here:
   * closed between 1,000 and 1,300 ms after the request), not cut off at the request deadline.
   */
  @Test
  void anIdleKeepAliveConnectionIsKeptForTheHeadersDeadlineThenClosed() throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream()
          .write("GET /x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(s)).startsWith("HTTP/1.1 200").endsWith("ok");
      pause(s, 650); // past the request deadline, well before the headers one
      s.getOutputStream()
          .write("GET /x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(s)).startsWith("HTTP/1.1 200").endsWith("ok");
      assertThat(closedWithin(s, 5_000)).isTrue();
    }
  }

  static boolean closedWithin(Socket s, long millis) throws IOException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < until) {
      try {
        if (s.getInputStream().read() == -1) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        // still open
      }
    }
    return false;
  }

  Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", server.actualPort());
    s.setSoTimeout(50);
    return s;
  }

  final StringBuilder received = new StringBuilder();

  /** Writes a byte every 50 ms; true once the server has closed the connection. */
  boolean trickleUntilClosed(Socket s) {
    long start = System.nanoTime();
    try {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      while (System.nanoTime() - start < GIVE_UP_NANOS) {
        out.write('a');
        out.flush();
        try {
          int b;
          while ((b = in.read()) != -1) {
            received.append((char) b); // an answer (say, a 400): read on until the close
          }
          return true;
        } catch (SocketTimeoutException e) {
          // nothing more yet: write the next byte
        }
      }
      return false;
    } catch (IOException e) {
      return true; // reset by the server
    }
  }

  static String readResponse(Socket s) throws IOException {
    StringBuilder text = new StringBuilder();
    long start = System.nanoTime();
    while (!text.toString().endsWith("ok") && System.nanoTime() - start < GIVE_UP_NANOS) {
      try {
        int b = s.getInputStream().read();
        if (b == -1) {
          break;
        }
        text.append((char) b);
      } catch (SocketTimeoutException e) {
        // keep reading
      }
    }
    return text.toString();
  }

  /** Waits on the socket itself, which would show a close by the server. */
  static void pause(Socket s, long millis) throws IOException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < until) {
      try {
        assertThat(s.getInputStream().read())
            .as("the server closed the connection")
            .isNotEqualTo(-1);
      } catch (SocketTimeoutException e) {
        // still open
      }
    }
  }
}
