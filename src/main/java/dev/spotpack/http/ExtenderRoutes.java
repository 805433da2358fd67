package dev.spotpack.http;

import dev.spotpack.extender.ExtenderCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code POST /scheduler/filter|prioritize|bind}, a thin adapter around {@link ExtenderCalls}
 * (which holds the error policy). Bodies above the budget's body limit get 413. Filter and
 * prioritize parse and decide on a worker thread, so a large full-Node body never blocks the event
 * loop. Unknown paths get 404 and other methods 405, from the router.
 */
public final class ExtenderRoutes {
  public static final String PREFIX = "/scheduler";

  private final ExtenderCalls calls;
  private final BodyBudget budget;

  public ExtenderRoutes(ExtenderCalls calls, BodyBudget budget) {
    this.calls = calls;
    this.budget = budget;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    BodyHandler body = budget.bodyHandler();
    router.route().failureHandler(Failures::handle);
    router.post(PREFIX + "/*").handler(JsonBody::asJson);
    router.post(PREFIX + "/*").handler(budget::admit);
    router
        .post(PREFIX + "/filter")
        .handler(body)
        .blockingHandler(ctx -> reply(ctx, calls.filter(bytes(ctx))), false);
    router
        .post(PREFIX + "/prioritize")
        .handler(body)
        .blockingHandler(ctx -> reply(ctx, calls.prioritize(bytes(ctx))), false);
    router
        .post(PREFIX + "/bind")
        .handler(body)
        .handler(ctx -> calls.bind(bytes(ctx)).thenAccept(r -> reply(ctx, r)));
    router.errorHandler(413, ctx -> reply(ctx, calls.tooLarge(budget.maxBodyBytes())));
    return router;
  }

  private static byte[] bytes(RoutingContext ctx) {
    Buffer b = ctx.body().buffer();
    return b == null ? new byte[0] : b.getBytes();
  }

  private void reply(RoutingContext ctx, ExtenderCalls.Reply reply) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response()
        .setStatusCode(reply.status())
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(calls.write(reply.body())));
  }
}
