package dev.spotpack.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;

/**
 * Reads a request body whole into one byte array, for handlers that parse bytes: of its declared
 * length when the request has a Content-Length (kube-scheduler's always do), each chunk copied
 * straight into it. Above {@code maxBodyBytes}, declared or read, the request fails with 413; an
 * error while it is read fails it with 400; {@code Expect: 100-continue} is answered as Vert.x
 * Web's BodyHandler answers it. The bytes are the verbs' whatever the Content-Type says: nothing
 * here decodes a form ({@code curl -d} sends {@code application/x-www-form-urlencoded}; Vert.x's
 * form decoder gave up past 8 KiB with a plain-text 400, issue 14).
 *
 * <p>Why not that BodyHandler: it preallocates at most 64 KiB, grows its buffer by doubling, and
 * the verbs then copied the result into an array. A 145 kB filter call of 5,000 node names
 * allocated about 0.5 MB for its body that way, half of all the call allocated (async-profiler,
 * docs/benchmarks-log.md, stop 36); now one array of 145 kB.
 *
 * <p>The array of the declared length is allocated before the body arrives: {@link BodyBudget} has
 * admitted the request's declared bytes against the in-flight budget first, so a client that
 * declares much and sends little holds no more than a client that sends it all.
 *
 * <p>Stateless; one instance may serve every route.
 */
final class WholeBody implements Handler<RoutingContext> {
  private static final String KEY = "spotpack.body";
  private static final byte[] EMPTY = new byte[0];

  /** The first capacity for a body of unknown length; it doubles from there. */
  static final int UNKNOWN_LENGTH_START = 16 * 1024;

  /** The largest array the JVM allocates; the body limit's range reaches 2 GiB. */
  private static final long LARGEST_ARRAY = Integer.MAX_VALUE - 8;

  private final long maxBodyBytes;

  WholeBody(long maxBodyBytes) {
    this.maxBodyBytes = Math.min(maxBodyBytes, LARGEST_ARRAY);
  }

  /** The body this handler read for {@code ctx}; empty if it read none. */
  static byte[] bytes(RoutingContext ctx) {
    byte[] body = ctx.get(KEY);
    return body == null ? EMPTY : body;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    long declared = declaredLength(request);
    if (declared > maxBodyBytes) {
      ctx.fail(413);
      return;
    }
    if (request.isEnded()) {
      ctx.put(KEY, EMPTY);
      ctx.next();
      return;
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      if (request.version() == HttpVersion.HTTP_1_0) {
        ctx.fail(417);
        return;
      }
      ctx.response().writeContinue();
    }
    Reading reading = new Reading(ctx, declared);
    request.handler(reading::append);
    request.endHandler(v -> reading.end());
    request.exceptionHandler(reading::fail);
    request.resume();
  }

  /** The declared Content-Length; -1 when there is none or it is not a number. */
  private static long declaredLength(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1; // the HTTP codec refuses such a request before it gets here
    }
  }

  /** One request's body as it arrives. */
  private final class Reading {
    private final RoutingContext ctx;
    private byte[] body;
    private int length;
    private boolean failed;

    Reading(RoutingContext ctx, long declared) {
      this.ctx = ctx;
      this.body = new byte[declared >= 0 ? (int) declared : UNKNOWN_LENGTH_START];
    }

    void append(Buffer chunk) {
      if (failed) {
        return;
      }
      int n = chunk.length();
      if (length + (long) n > maxBodyBytes) {
        failed = true;
        ctx.fail(413);
        return;
      }
      if (length + n > body.length) {
        // no or a wrong declared length (HTTP/2 does not bind the two): grow, within the limit
        long grown = Math.max(length + (long) n, 2L * body.length);
        body = Arrays.copyOf(body, (int) Math.min(grown, maxBodyBytes));
      }
      chunk.getBytes(0, n, body, length);
      length += n;
    }

    void end() {
      if (failed) {
        return;
      }
      ctx.put(KEY, length == body.length ? body : Arrays.copyOf(body, length));
      ctx.next();
    }

    void fail(Throwable t) {
      if (failed) {
        return;
      }
      failed = true;
      ctx.fail(400, t);
    }
  }
}
