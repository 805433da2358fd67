package dev.spotpack.http;

import dev.spotpack.extender.ExtenderCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.OutputStream;
import java.util.function.Function;

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

  public ExtenderRoutes(ExtenderCalls calls, BodyBudget budget) {
    this.calls = calls;
    this.budget = budget;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    WholeBody body = budget.bodyHandler();
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
        .handler(ctx -> calls.bind(WholeBody.bytes(ctx)).thenAccept(r -> reply(ctx, r)));
    router.errorHandler(413, ctx -> reply(ctx, calls.tooLarge(budget.maxBodyBytes())));
    return router;
  }

  private void decide(RoutingContext ctx, Function<byte[], ExtenderCalls.Reply> verb) {
    byte[] bytes = WholeBody.bytes(ctx);
    if (bytes.length <= EVENT_LOOP_BODY_BYTES) {
      reply(ctx, verb.apply(bytes));
      return;
    }
    ctx.vertx()
        .executeBlocking(() -> verb.apply(bytes), false)
        .onSuccess(r -> reply(ctx, r))
        .onFailure(ctx::fail);
  }

  private void reply(RoutingContext ctx, ExtenderCalls.Reply reply) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    // sized as the request: a filter answer repeats (at most) its node names
    Buffer answer = Buffer.buffer(Math.max(256, WholeBody.bytes(ctx).length));
    calls.write(reply.body(), new BufferOutput(answer));
    ctx.response()
        .setStatusCode(reply.status())
        .putHeader("Content-Type", "application/json")
        .end(answer);
  }

  /** Appends to a Vert.x buffer, so the answer is encoded into the buffer the response sends. */
  private static final class BufferOutput extends OutputStream {
    private final Buffer buffer;

    BufferOutput(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      buffer.appendBytes(b, off, len);
    }
  }
}
