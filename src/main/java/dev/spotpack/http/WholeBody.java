package dev.spotpack.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import org.jspecify.annotations.Nullable;

/**
 * Reads a request body whole into one buffer of pooled memory, for handlers that parse bytes: of
 * its declared length when the request has a Content-Length (kube-scheduler's always do), each
 * chunk copied straight into it. Above {@code maxBodyBytes}, declared or read, the request fails
 * with 413; an error while it is read fails it with 400; {@code Expect: 100-continue} is answered
 * as Vert.x Web's BodyHandler answers it. The bytes are the verbs' whatever the Content-Type says:
 * nothing here decodes a form ({@code curl -d} sends {@code application/x-www-form-urlencoded};
 * Vert.x's form decoder gave up past 8 KiB with a plain-text 400, issue 14).
 *
 * <p>Why not that BodyHandler: it preallocates at most 64 KiB, grows its buffer by doubling, and
 * the verbs then copied the result into an array. A 145 kB filter call of 5,000 node names
 * allocated about 0.5 MB for its body that way (async-profiler, docs/benchmarks-log.md, stop 36).
 * Why pooled: an array per request was then still the request's size in garbage on every call; a
 * buffer taken from Netty's pool and given back at the end of the call is memory already in cache,
 * and with the answer's buffer pooled too a call allocates half as much (stop 44).
 *
 * <p>The handler after this one owns the {@link Body}: it reads the bytes while it answers and
 * {@link Body#release releases} them once nothing reads them any more. The body is released anyway
 * when the response ends or the connection closes, so a handler that fails midway loses nothing;
 * which is also why a handler must not read the bytes on another thread ({@link Body#detach}
 * first).
 *
 * <p>The buffer of the declared length is taken before the body arrives: {@link BodyBudget} has
 * admitted the request's declared bytes against the in-flight budget first, so a client that
 * declares much and sends little holds no more than a client that sends it all.
 *
 * <p>Stateless; one instance may serve every route.
 */
final class WholeBody implements Handler<RoutingContext> {
  private static final String KEY = "spotpack.body";

  /** The first capacity for a body of unknown length; it doubles from there. */
  static final int UNKNOWN_LENGTH_START = 16 * 1024;

  /** The largest array the JVM allocates; the body limit's range reaches 2 GiB. */
  private static final long LARGEST_ARRAY = Integer.MAX_VALUE - 8;

  private final long maxBodyBytes;
  private final ByteBufAllocator allocator;

  WholeBody(long maxBodyBytes, ByteBufAllocator allocator) {
    this.maxBodyBytes = Math.min(maxBodyBytes, LARGEST_ARRAY);
    this.allocator = allocator;
  }

  /** The body this handler read for {@code ctx}; empty if it read none. */
  static Body body(RoutingContext ctx) {
    Body body = ctx.get(KEY);
    return body == null ? Body.empty() : body;
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
      ctx.put(KEY, Body.empty());
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
    Body body =
        new Body(
            allocator.heapBuffer(
                declared >= 0 ? (int) declared : UNKNOWN_LENGTH_START, (int) maxBodyBytes));
    ctx.addEndHandler(done -> body.release());
    Reading reading = new Reading(ctx, body);
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

  /**
   * A request body: {@link #length} bytes of {@link #array} from {@link #offset}, in memory that
   * goes back to the pool on {@link #release}. Used on its connection's event loop only.
   */
  static final class Body {
    private @Nullable ByteBuf buffer;

    private Body(ByteBuf buffer) {
      this.buffer = buffer;
    }

    /** A body of no bytes (Netty's empty buffer: giving it back does nothing). */
    static Body empty() {
      return new Body(Unpooled.EMPTY_BUFFER);
    }

    byte[] array() {
      return held().array();
    }

    int offset() {
      ByteBuf held = held();
      return held.arrayOffset() + held.readerIndex();
    }

    int length() {
      return buffer == null ? 0 : buffer.readableBytes();
    }

    /** The bytes in an array of their own, for another thread; the pooled memory is released. */
    byte[] detach() {
      byte[] bytes = ByteBufUtil.getBytes(held());
      release();
      return bytes;
    }

    /** Gives the memory back to the pool; the bytes must not be read afterwards. Idempotent. */
    void release() {
      if (buffer != null) {
        buffer.release();
        buffer = null;
      }
    }

    private ByteBuf held() {
      if (buffer == null) {
        throw new IllegalStateException("the request body was released");
      }
      return buffer;
    }

    private void append(Buffer chunk, int n) {
      ByteBuf held = held();
      held.ensureWritable(n); // may move the bytes: the array is read after
      chunk.getBytes(0, n, held.array(), held.arrayOffset() + held.writerIndex());
      held.writerIndex(held.writerIndex() + n);
    }
  }

  /** One request's body as it arrives. */
  private final class Reading {
    private final RoutingContext ctx;
    private final Body body;
    private boolean failed;

    Reading(RoutingContext ctx, Body body) {
      this.ctx = ctx;
      this.body = body;
    }

    void append(Buffer chunk) {
      if (failed) {
        return;
      }
      int n = chunk.length();
      if (body.length() + (long) n > maxBodyBytes) {
        fail(413, null);
        return;
      }
      // no or a wrong declared length (HTTP/2 does not bind the two): the buffer grows, within the
      // limit
      body.append(chunk, n);
    }

    void end() {
      if (failed) {
        return;
      }
      ctx.put(KEY, body);
      ctx.next();
    }

    void fail(Throwable t) {
      fail(400, t);
    }

    private void fail(int status, @Nullable Throwable t) {
      if (failed) {
        return;
      }
      failed = true;
      body.release();
      if (t == null) {
        ctx.fail(status);
      } else {
        ctx.fail(status, t);
      }
    }
  }
}
