package dev.spotpack.http;

import dev.spotpack.admission.SpreadHintWebhook;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;

/**
 * {@code POST /webhook/spread-hint} on the webhook's own HTTPS listener ({@code server.webhook}).
 * Bodies above the budget's body limit get 413 from the router, which the API server handles by the
 * webhook's {@code failurePolicy}.
 */
public final class WebhookRoutes {
  public static final String PATH = "/webhook/spread-hint";

  private final SpreadHintWebhook webhook;
  private final BodyBudget budget;

  public WebhookRoutes(SpreadHintWebhook webhook, BodyBudget budget) {
    this.webhook = webhook;
    this.budget = budget;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().failureHandler(Failures::handle);
    router.post(PATH).handler(budget::admit);
    router
        .post(PATH)
        .handler(budget.bodyHandler(PooledByteBufAllocator.DEFAULT))
        .handler(
            ctx -> {
              byte[] body = WholeBody.body(ctx).detach(); // read on a worker below
              // the review (reading and writing admission JSON up to the body limit) on a worker;
              // the answer on the event loop: a response written from a worker thread takes the
              // HTTP/2 connection's lock there while the event loop asks other streams' responses
              // whether they are done, and under a creation burst the webhook's event loop was
              // seen stuck in Http2ServerResponse.closed() for minutes (stop 42), with every
              // admission call on it timing out
              vertx
                  .executeBlocking(() -> webhook.reviewWritten(body), false)
                  .onComplete(
                      done -> {
                        if (done.failed()) {
                          ctx.fail(done.cause());
                        } else if (!ctx.response().ended() && !ctx.response().closed()) {
                          ctx.response()
                              .setStatusCode(done.result().status())
                              .putHeader("Content-Type", "application/json")
                              .end(Buffer.buffer(done.result().body()));
                        }
                      });
            });
    return router;
  }
}
