package dev.spotpack.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Every body on spotpack's ports is JSON, whatever its Content-Type says. {@code curl -d} sends
 * {@code application/x-www-form-urlencoded}, and a form or multipart type would make the body
 * handler decode the body as a form: past 8 KiB that fails with a plain-text 400 and a stack trace
 * in the log (issue 14). Marking the request as JSON before the body handler runs leaves the bytes
 * to the verbs, which answer a malformed body with an error that names the problem.
 */
final class JsonBody {
  private JsonBody() {}

  static void asJson(RoutingContext ctx) {
    ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
    ctx.next();
  }
}
