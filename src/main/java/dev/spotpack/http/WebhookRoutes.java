package dev.spotpack.http;

import dev.spotpack.admission.SpreadHintWebhook;
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
        .handler(budget.bodyHandler())
        .blockingHandler(
            ctx -> {
              SpreadHintWebhook.Written reply = webhook.reviewWritten(WholeBody.bytes(ctx));
              if (!ctx.response().ended() && !ctx.response().closed()) {
                ctx.response()
                    .setStatusCode(reply.status())
                    .putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(reply.body()));
              }
            },
            false);
    return router;
  }
}
