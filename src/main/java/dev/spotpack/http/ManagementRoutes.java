package dev.spotpack.http;

import dev.spotpack.extender.JobReports;
import dev.spotpack.policy.spot.PlacementGate;
import dev.spotpack.protocol.ExtenderJson;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The management port: {@code GET /healthz} (the process serves), {@code GET /readyz} (the cluster
 * state is synced; 503 until then), {@code GET /metrics} (Prometheus text format), {@code GET
 * /debug/jobs} (per job: size, caps, executors per node with the spot flag) and {@code GET
 * /debug/gate} (the executors held at spotpack's placement gate, and why). Kept off the extender
 * port so that probes and scrapes never queue behind scheduling calls and can be exposed
 * differently.
 */
public final class ManagementRoutes {
  private final BooleanSupplier ready;
  private final PrometheusMeterRegistry registry;
  private final JobReports jobs;
  private final Supplier<List<PlacementGate.Held>> heldAtGate;
  private final ExtenderJson json;

  /** {@code heldAtGate}: the executors the placement gate holds now, oldest first. */
  public ManagementRoutes(
      BooleanSupplier ready,
      PrometheusMeterRegistry registry,
      JobReports jobs,
      Supplier<List<PlacementGate.Held>> heldAtGate,
      ExtenderJson json) {
    this.ready = ready;
    this.registry = registry;
    Gauge.builder("spotpack.ready", ready, r -> r.getAsBoolean() ? 1 : 0)
        .description(
            "1 when the cluster state is synced and spotpack decides; 0 while it answers with"
                + " errors")
        .register(registry);
    this.jobs = jobs;
    this.heldAtGate = heldAtGate;
    this.json = json;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().failureHandler(Failures::handle);
    router
        .get("/healthz")
        .handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain").end("ok\n"));
    // Readiness is computed when asked: the probe polling it is also what notices a watch that
    // stayed down (ClusterFeed.WATCH_GRACE) when no scheduling call comes.
    router
        .get("/readyz")
        .handler(
            ctx -> {
              boolean isReady = ready.getAsBoolean();
              ctx.response()
                  .setStatusCode(isReady ? 200 : 503)
                  .putHeader("Content-Type", "text/plain")
                  .end(isReady ? "ready\n" : "not ready: cluster state not synced\n");
            });
    router
        .get("/metrics")
        .blockingHandler(
            ctx -> {
              jobs.publish();
              ctx.response()
                  .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                  .end(registry.scrape());
            });
    router
        .get("/debug/jobs")
        .blockingHandler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(json.write(jobs.overview()))));
    router
        .get("/debug/gate")
        .blockingHandler( // a burst may hold thousands
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(json.write(Map.of("held", heldAtGate.get())))));
    return router;
  }
}
