package dev.spotpack.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines an idle timeout cannot give: a client that sends a byte every few seconds is never
 * idle, yet it can hold a connection (and, over many connections, the server) forever.
 *
 * <ul>
 *   <li><b>headers</b>: a connection must deliver a request's complete headers within this time of
 *       opening, or of the end of its previous response (an idle keep-alive connection is waiting
 *       for headers too, so this is at least as long as a client keeps one for reuse);
 *   <li><b>request</b>: once its headers are in, the request (body and answer) must be done within
 *       this time.
 * </ul>
 *
 * A connection past either deadline is closed; nothing else is done to it.
 *
 * <p>Needs cleartext HTTP/2 off on the server: with it on, the connection first handed to the
 * connection handler is the one that sniffs for HTTP/2's preface, and it reports itself closed when
 * it hands over to HTTP/1.1 (seen with Vert.x 5.0), cancelling the deadline.
 *
 * <p>Thread-safe.
 */
public final class ConnectionDeadlines {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionDeadlines.class);

  private final Vertx vertx;
  private final long headersMillis;
  private final long requestMillis;
  private final String what;

  /** The pending deadline timer of each open connection. */
  private final Map<HttpConnection, Long> timers = new ConcurrentHashMap<>();

  public ConnectionDeadlines(Vertx vertx, Duration headers, Duration request, String what) {
    this.vertx = vertx;
    this.headersMillis = headers.toMillis();
    this.requestMillis = request.toMillis();
    this.what = what;
  }

  /** For {@code HttpServer.connectionHandler}: the headers deadline starts. */
  public void onConnection(HttpConnection connection) {
    arm(connection, headersMillis, "its request headers", null);
    connection.closeHandler(
        v -> {
          Long timer = timers.remove(connection);
          if (timer != null) {
            vertx.cancelTimer(timer);
          }
        });
  }

  /**
   * For {@code HttpServer.requestHandler}: the request deadline. When it passes, a request whose
   * response has ended meanwhile gets the next headers deadline from then on (the response's end
   * handler belongs to the web router, so the end itself is not observed): a keep-alive connection
   * may idle between the headers deadline and that plus the request deadline, never less.
   */
  public Handler<HttpServerRequest> wrap(Handler<HttpServerRequest> handler) {
    return request -> {
      arm(request.connection(), requestMillis, "the request to finish", request);
      handler.handle(request);
    };
  }

  private void arm(
      HttpConnection connection,
      long millis,
      String waitingFor,
      @Nullable HttpServerRequest request) {
    long timer =
        vertx.setTimer(
            millis,
            id -> {
              if (!timers.remove(connection, id)) {
                return;
              }
              if (request != null && request.response().ended()) {
                arm(connection, headersMillis, "its next request headers", null);
                return;
              }
              LOG.debug(
                  "{} port: closed a connection from {} that took over {} ms for {}",
                  what,
                  connection.remoteAddress(),
                  millis,
                  waitingFor);
              connection.close();
            });
    Long previous = timers.put(connection, timer);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }
}
