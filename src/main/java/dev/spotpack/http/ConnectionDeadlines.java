package dev.spotpack.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
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
 * <p>An HTTP/2 connection (negotiated over TLS) carries many requests at once, each a stream, so
 * the request deadline is each stream's: a stream not done within it is reset (RST_STREAM), and the
 * connection with its other streams goes on. The headers deadline becomes the connection's: it is
 * closed once no stream has started for that long and none is open (a client trickling a header
 * block never starts one). Both are checked by one timer per connection, every quarter of the
 * request deadline, so a stream is reset between one and one and a quarter deadlines after it
 * started.
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

  /** The streams of each HTTP/2 connection, once its first request has come. */
  private final Map<HttpConnection, Streams> multiplexed = new ConcurrentHashMap<>();

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
          multiplexed.remove(connection);
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
      if (request.version() == HttpVersion.HTTP_2) {
        started(request);
      } else {
        arm(request.connection(), requestMillis, "the request to finish", request);
      }
      handler.handle(request);
    };
  }

  /**
   * A stream of an HTTP/2 connection; its first replaces the connection's headers deadline with the
   * sweep.
   */
  private void started(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    Streams streams =
        multiplexed.computeIfAbsent(
            connection,
            c -> {
              Streams first = new Streams();
              sweepLater(c, first);
              return first;
            });
    streams.started(request, System.nanoTime());
  }

  private void sweepLater(HttpConnection connection, Streams streams) {
    replaceTimer(
        connection,
        vertx.setTimer(Math.max(1, requestMillis / 4), id -> sweep(connection, streams)));
  }

  private void sweep(HttpConnection connection, Streams streams) {
    if (multiplexed.get(connection) != streams) {
      return; // closed meanwhile
    }
    long now = System.nanoTime();
    int reset = streams.resetOverdue(now, requestMillis * 1_000_000L);
    if (reset > 0) {
      LOG.debug(
          "{} port: reset {} stream(s) from {} that took over {} ms",
          what,
          reset,
          connection.remoteAddress(),
          requestMillis);
    }
    if (streams.idleSince(now, headersMillis * 1_000_000L)) {
      LOG.debug(
          "{} port: closed an HTTP/2 connection from {} that started no stream for {} ms",
          what,
          connection.remoteAddress(),
          headersMillis);
      connection.close(); // its close handler forgets it
      return;
    }
    sweepLater(connection, streams);
  }

  /**
   * The streams of one HTTP/2 connection not yet seen done, oldest first. Done streams are dropped
   * from the front as new ones start, so it holds about the streams in flight.
   */
  private static final class Streams {
    private record Started(HttpServerRequest request, long nanos) {}

    private final ArrayDeque<Started> open = new ArrayDeque<>();
    private long lastStart;

    synchronized void started(HttpServerRequest request, long now) {
      while (!open.isEmpty() && done(open.peekFirst().request())) {
        open.pollFirst();
      }
      open.addLast(new Started(request, now));
      lastStart = now;
    }

    /** Resets each stream open longer than {@code deadline}; how many. */
    synchronized int resetOverdue(long now, long deadline) {
      int reset = 0;
      for (Iterator<Started> it = open.iterator(); it.hasNext(); ) {
        Started s = it.next();
        if (done(s.request())) {
          it.remove();
        } else if (now - s.nanos() >= deadline) {
          s.request().response().reset();
          it.remove();
          reset++;
        }
      }
      return reset;
    }

    synchronized boolean idleSince(long now, long deadline) {
      return open.isEmpty() && now - lastStart >= deadline;
    }

    private static boolean done(HttpServerRequest request) {
      HttpServerResponse response = request.response();
      return response.ended() || response.closed();
    }
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
    replaceTimer(connection, timer);
  }

  /** {@code timer} becomes the connection's pending deadline; the one before it is cancelled. */
  private void replaceTimer(HttpConnection connection, long timer) {
    Long previous = timers.put(connection, timer);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }
}
