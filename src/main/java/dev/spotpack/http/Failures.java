package dev.spotpack.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last word on a failed request. A failure while the request was still being read (a malformed
 * chunk, a connection reset, an unreadable body) is the client's: one log line, no stack trace, and
 * a 400 with a JSON {@code Error} when an answer can still be written. Anything else is a bug in
 * spotpack: its stack trace in the log and a 500.
 */
final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private Failures() {}

  static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status == 413) {
      ctx.next(); // the router's own 413 handler answers with the limit
      return;
    }
    boolean clientSide = !ctx.request().isEnded() || status < 500;
    String what = failure == null ? "status " + status : failure.toString();
    if (clientSide) {
      LOG.info(
          "{} {}: request failed while it was read, answered 400: {}",
          ctx.request().method(),
          ctx.request().path(),
          what.replace('\n', ' '));
      // the client's request, not spotpack's internals: no exception type in the answer
      answer(ctx, 400, "malformed HTTP request");
    } else {
      LOG.error("unhandled error on {} {}", ctx.request().method(), ctx.request().path(), failure);
      answer(ctx, 500, "internal error in spotpack; see its log");
    }
  }

  private static void answer(RoutingContext ctx, int status, String error) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    String json = "{\"Error\":\"" + error.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(json));
  }
}
