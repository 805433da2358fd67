package dev.spotpack.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request body limits: each body at most {@code maxBodyBytes}, and the bodies all listeners
 * hold at once together at most the budget, so that memory is bounded by design and not by the heap
 * limit: a body is buffered whole, then parsed into a tree several times its size, and a handful of
 * concurrent maximum-size bodies would otherwise exhaust the heap (measured: eight concurrent 60
 * MiB filter calls against a 1,075 MiB heap ran out of memory).
 *
 * <p>A request is admitted when its declared length (or, for a chunked body, the body limit) fits
 * in what is left of the budget, or when nothing else is in flight, so that one request of any
 * allowed size can always be served. Otherwise it gets 503 with a JSON error at once, before its
 * body is read, and its connection is closed: kube-scheduler retries the pod, the API server
 * applies the webhook's failure policy.
 *
 * <p>Thread-safe; one instance for the whole process.
 */
public final class BodyBudget {
  private static final Logger LOG = LoggerFactory.getLogger(BodyBudget.class);

  private final long budgetBytes;
  private final long maxBodyBytes;
  private final AtomicLong inFlight = new AtomicLong();
  private final Counter refused;

  /**
   * @param budgetBytes the request bytes that may be in flight at once
   * @param maxBodyBytes the body limit, reserved for a body of unknown length
   */
  public BodyBudget(long budgetBytes, long maxBodyBytes, MeterRegistry registry) {
    this.budgetBytes = budgetBytes;
    this.maxBodyBytes = maxBodyBytes;
    this.refused =
        Counter.builder("spotpack.requests.refused.busy")
            .description(
                "Requests refused with 503 because the bodies in flight were over the memory"
                    + " budget")
            .register(registry);
    Gauge.builder("spotpack.request.bytes.in.flight", inFlight, AtomicLong::get)
        .description(
            "Request bytes admitted and not yet answered, against server.maxRequestBytesInFlight")
        .baseUnit("bytes")
        .register(registry);
  }

  /** The largest body one request may have (413 above). */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * Reads a body of at most {@link #maxBodyBytes()} whole, into a buffer of its declared length
   * taken from {@code allocator} ({@link WholeBody#body}); after {@link #admit}, so that a request
   * is counted before its body is read.
   */
  WholeBody bodyHandler(ByteBufAllocator allocator) {
    return new WholeBody(maxBodyBytes, allocator);
  }

  /**
   * The default budget: an eighth of the heap, since a parsed body takes several times its size.
   */
  public static long defaultBudget(long maxHeapBytes) {
    return maxHeapBytes / 8;
  }

  /** The route handler: admit and release at the end, or refuse. */
  public void admit(RoutingContext ctx) {
    long bytes = declaredLength(ctx);
    if (!tryAcquire(bytes)) {
      refused.increment();
      LOG.debug(
          "refused a request of {} bytes: {} bytes in flight, budget {}",
          bytes,
          inFlight.get(),
          budgetBytes);
      ctx.response()
          .setStatusCode(503)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.CONNECTION, "close")
          .putHeader("Retry-After", "1")
          .end(
              "{\"Error\":\"spotpack is busy: request bodies in progress are over its memory budget"
                  + " of "
                  + size(budgetBytes)
                  + "; retry\"}");
      return;
    }
    ctx.addEndHandler(done -> release(bytes));
    ctx.next();
  }

  private static String size(long bytes) {
    return bytes >= 1024 * 1024 ? bytes / (1024 * 1024) + " MiB" : bytes + " bytes";
  }

  /** The bytes a request will hold: its Content-Length (capped at the limit) or the limit. */
  private long declaredLength(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (header == null) {
      return maxBodyBytes;
    }
    try {
      long length = Long.parseLong(header.trim());
      return length < 0 ? maxBodyBytes : Math.min(length, maxBodyBytes);
    } catch (NumberFormatException e) {
      return maxBodyBytes; // the HTTP layer refuses it anyway
    }
  }

  boolean tryAcquire(long bytes) {
    while (true) {
      long now = inFlight.get();
      if (now != 0 && now + bytes > budgetBytes) {
        return false;
      }
      if (inFlight.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  void release(long bytes) {
    inFlight.addAndGet(-bytes);
  }

  long inFlight() {
    return inFlight.get();
  }
}
