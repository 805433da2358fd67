package dev.spotpack.http;

import dev.spotpack.extender.BindVerb;
import dev.spotpack.extender.FilterVerb;
import dev.spotpack.extender.Outcome;
import dev.spotpack.extender.PrioritizeVerb;
import dev.spotpack.extender.VerbMetrics;
import dev.spotpack.protocol.ExtenderArgs;
import dev.spotpack.protocol.ExtenderBindingArgs;
import dev.spotpack.protocol.ExtenderBindingResult;
import dev.spotpack.protocol.ExtenderJson;
import dev.spotpack.protocol.ProtocolException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /scheduler/filter|prioritize|bind}. Every verb answers 200 with a JSON body when it
 * can be answered, since kube-scheduler treats any other status as a failed call and drops the
 * body. Errors:
 *
 * <ul>
 *   <li>filter and bind: malformed body or not ready → 200 with {@code Error} set; kube-scheduler
 *       shows the message in the pod's events and retries with backoff;
 *   <li>prioritize: its answer is a bare array with no error field, so a malformed body gets 400
 *       with {@code {"Error": "..."}}; kube-scheduler ignores this extender's scores for that pod;
 *   <li>a body over {@code server.maxRequestBodyBytes}: 413 with {@code {"Error": "..."}}.
 * </ul>
 *
 * Filter and prioritize parse and decide on a worker thread, so a large full-Node body never
 * blocks the event loop.
 */
public final class ExtenderRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ExtenderRoutes.class);
  public static final String PREFIX = "/scheduler";

  private final FilterVerb filter;
  private final PrioritizeVerb prioritize;
  private final BindVerb bind;
  private final ExtenderJson json;
  private final VerbMetrics metrics;
  private final LongSupplier nanoTime;
  private final long maxBodyBytes;

  public ExtenderRoutes(FilterVerb filter, PrioritizeVerb prioritize, BindVerb bind, ExtenderJson json,
      VerbMetrics metrics, LongSupplier nanoTime, long maxBodyBytes) {
    this.filter = filter;
    this.prioritize = prioritize;
    this.bind = bind;
    this.json = json;
    this.metrics = metrics;
    this.nanoTime = nanoTime;
    this.maxBodyBytes = maxBodyBytes;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    router.post(PREFIX + "/filter").handler(body).blockingHandler(this::filter, false);
    router.post(PREFIX + "/prioritize").handler(body).blockingHandler(this::prioritize, false);
    router.post(PREFIX + "/bind").handler(body).handler(this::bind);
    router.errorHandler(413, ctx -> reply(ctx, 413, Map.of("Error",
        "request body larger than " + maxBodyBytes + " bytes (config server.maxRequestBodyBytes)")));
    router.errorHandler(500, ctx -> {
      LOG.error("unhandled error on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
      reply(ctx, 500, Map.of("Error", "internal error in spotpack; see its log"));
    });
    return router;
  }

  private void filter(RoutingContext ctx) {
    long start = nanoTime.getAsLong();
    FilterVerb.Answer answer;
    try {
      ExtenderArgs args = json.readArgs(bytes(ctx));
      answer = filter.filter(args);
    } catch (ProtocolException e) {
      answer = FilterVerb.Answer.badRequest(e.getMessage());
    }
    metrics.rejected(answer.decision().rejected().values());
    log("filter", answer.outcome(), answer.podKey(), answer.result().error());
    reply(ctx, 200, answer.result());
    metrics.record("filter", answer.outcome(), elapsed(start));
  }

  private void prioritize(RoutingContext ctx) {
    long start = nanoTime.getAsLong();
    PrioritizeVerb.Answer answer;
    try {
      answer = prioritize.prioritize(json.readArgs(bytes(ctx)));
    } catch (ProtocolException e) {
      answer = new PrioritizeVerb.Answer(java.util.List.of(), Outcome.BAD_REQUEST, e.getMessage());
    }
    if (answer.error().isEmpty()) {
      reply(ctx, 200, answer.scores());
    } else {
      log("prioritize", answer.outcome(), "", answer.error());
      reply(ctx, answer.outcome() == Outcome.NOT_READY ? 503 : 400, Map.of("Error", answer.error()));
    }
    metrics.record("prioritize", answer.outcome(), elapsed(start));
  }

  private void bind(RoutingContext ctx) {
    long start = nanoTime.getAsLong();
    ExtenderBindingArgs args;
    try {
      args = json.readBindingArgs(bytes(ctx));
    } catch (ProtocolException e) {
      log("bind", Outcome.BAD_REQUEST, "", e.getMessage());
      reply(ctx, 200, new ExtenderBindingResult(e.getMessage()));
      metrics.record("bind", Outcome.BAD_REQUEST, elapsed(start));
      return;
    }
    bind.bind(args).whenComplete((answer, failure) -> {
      BindVerb.Answer a = failure == null ? answer : new BindVerb.Answer(
          new ExtenderBindingResult("bind of " + args.podNamespace() + "/" + args.podName()
              + " failed inside spotpack; see its log"), Outcome.INTERNAL);
      if (failure != null) {
        LOG.error("bind of {}/{} to {} threw", args.podNamespace(), args.podName(), args.node(), failure);
      }
      log("bind", a.outcome(), args.podNamespace() + "/" + args.podName() + " -> " + args.node(), a.result().error());
      reply(ctx, 200, a.result());
      metrics.record("bind", a.outcome(), elapsed(start));
    });
  }

  private static byte[] bytes(RoutingContext ctx) {
    Buffer b = ctx.body().buffer();
    return b == null ? new byte[0] : b.getBytes();
  }

  private void reply(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(json.write(body)));
  }

  private Duration elapsed(long start) {
    return Duration.ofNanos(nanoTime.getAsLong() - start);
  }

  private static void log(String verb, Outcome outcome, String subject, String error) {
    if (!error.isEmpty()) {
      LOG.warn("{} {}: {} {}", verb, outcome.label(), subject, error);
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("{} {}: {}", verb, outcome.label(), subject);
    }
  }
}
