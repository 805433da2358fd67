package dev.spotpack.http;

import dev.spotpack.extender.ExtenderCalls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /scheduler/filter|prioritize|bind}, a thin adapter around {@link ExtenderCalls}
 * (which holds the error policy). Bodies above the budget's body limit get 413. Unknown paths get
 * 404 and other methods 405, from the router.
 *
 * <p>Filter and prioritize decide a body of node names (kube-scheduler's {@code nodeCacheCapable}
 * calls: a pod and the names, well under a millisecond of work even at 5,000 nodes) on the event
 * loop that read it, and a larger one (full Node objects) on a worker thread, so that it never
 * blocks the event loop. kube-scheduler waits for each filter answer before its next pod, so the
 * hop to a worker and back was latency on every scheduled pod.
 *
 * <p>Bodies and answers are buffers from Netty's pool, given back once used: at 5,000 names a call
 * otherwise left two arrays of the request's size as garbage, and with them it cost 5-8% more CPU
 * and its p99 was a quarter higher (docs/benchmarks-log.md, stop 44). Vert.x 5 wraps a Netty buffer
 * only through its internal {@code BufferInternal.buffer}, which its own modules use; a Vert.x
 * upgrade that changes how it writes such a buffer fails {@code PooledBodiesTest}.
 */
public final class ExtenderRoutes {
  public static final String PREFIX = "/scheduler";

  /**
   * The largest body decided on the event loop: the names of about 10,000 nodes with a pod. Above
   * it a body is most likely full Node objects, parsed at tens of milliseconds per call.
   */
  static final int EVENT_LOOP_BODY_BYTES = 256 * 1024;

  private final ExtenderCalls calls;
  private final BodyBudget budget;
  private final ByteBufAllocator allocator;

  /** Over Netty's shared pool of buffers, which Vert.x's connections also take theirs from. */
  public ExtenderRoutes(ExtenderCalls calls, BodyBudget budget) {
    this(calls, budget, PooledByteBufAllocator.DEFAULT);
  }

  /** With {@code allocator} for the request bodies and the answers. */
  ExtenderRoutes(ExtenderCalls calls, BodyBudget budget, ByteBufAllocator allocator) {
    this.calls = calls;
    this.budget = budget;
    this.allocator = allocator;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    WholeBody body = budget.bodyHandler(allocator);
    router.route().failureHandler(Failures::handle);
    router.post(PREFIX + "/*").handler(budget::admit);
    router.post(PREFIX + "/filter").handler(body).handler(ctx -> decide(ctx, calls::filter));
    router
        .post(PREFIX + "/prioritize")
        .handler(body)
        .handler(ctx -> decide(ctx, calls::prioritize));
    router
        .post(PREFIX + "/bind")
        .handler(body)
        // the bind verb reads its few hundred bytes before it goes off to the API server
        .handler(ctx -> calls.bind(WholeBody.body(ctx).detach()).thenAccept(r -> reply(ctx, r, 0)));
    router.errorHandler(413, ctx -> reply(ctx, calls.tooLarge(budget.maxBodyBytes()), 0));
    return router;
  }

  /** A verb that reads {@code body[offset, offset + length)}. */
  @FunctionalInterface
  private interface Verb {
    ExtenderCalls.Reply decide(byte[] body, int offset, int length);
  }

  private void decide(RoutingContext ctx, Verb verb) {
    WholeBody.Body body = WholeBody.body(ctx);
    if (body.length() > EVENT_LOOP_BODY_BYTES) {
      byte[] bytes = body.detach();
      ctx.vertx()
          .executeBlocking(() -> verb.decide(bytes, 0, bytes.length), false)
          .onSuccess(r -> reply(ctx, r, bytes.length))
          .onFailure(ctx::fail);
      return;
    }
    try {
      // the reply may copy the request's bytes (a filter answer's names): written before release
      reply(ctx, verb.decide(body.array(), body.offset(), body.length()), body.length());
    } finally {
      body.release();
    }
  }

  /**
   * @param requestLength the request body's length: a filter answer repeats (at most) its node
   *     names, so the answer's buffer starts at that size
   */
  private void reply(RoutingContext ctx, ExtenderCalls.Reply reply, int requestLength) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ByteBuf answer = allocator.directBuffer(Math.max(256, requestLength));
    try {
      calls.write(reply.body(), new ByteBufOutputStream(answer));
    } catch (RuntimeException e) {
      answer.release();
      throw e;
    }
    // Vert.x writes a buffer it did not make without releasing it (BufferImpl.getByteBuf): it is
    // given back once written, or once the write has failed. Should end() throw, it is left to the
    // garbage collector rather than given back while the connection may still be writing it.
    ctx.response()
        .setStatusCode(reply.status())
        .putHeader("Content-Type", "application/json")
        .end(BufferInternal.buffer(answer))
        .onComplete(written -> answer.release());
  }
}
