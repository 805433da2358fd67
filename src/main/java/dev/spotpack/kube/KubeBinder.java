package dev.spotpack.kube;

import dev.spotpack.bind.BindRequest;
import dev.spotpack.bind.BindResult;
import dev.spotpack.bind.Binder;
import dev.spotpack.cluster.ClusterState;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds through the API server exactly as kube-scheduler's DefaultBinder does: {@code POST
 * /api/v1/namespaces/{ns}/pods/{name}/binding} with the pod's UID as a precondition, so that a
 * newer pod with the same name is never bound. The placement is recorded in {@link ClusterState}
 * when the bind arrives, before the POST, as kube-scheduler assumes it in its own cache: the API
 * server's watch can tell kube-scheduler of the binding before the POST's answer reaches spotpack,
 * and a pod that kube-scheduler then retries at once must not find this one still counted on every
 * node its filter allowed (a job at exactly its caps would be refused, and with no later event
 * kube-scheduler would not ask again for minutes). On failure the record is undone and {@code
 * Error} carries the API server's message.
 *
 * <p>The POST is asynchronous ({@link BindingPost}): no thread waits for the API server. At most
 * {@code cluster.bindThreads} POSTs are in flight at once ({@link BindSlots}); a bind is answered
 * after {@code timeout} at most, which must stay inside kube-scheduler's {@code httpTimeout}, timed
 * by the injected {@link Deadlines} (live: a timer on the event loop the bind came in on, so
 * neither arming nor cancelling it wakes another thread). Thread-safe.
 */
public final class KubeBinder implements Binder {
  private static final Logger LOG = LoggerFactory.getLogger(KubeBinder.class);

  /**
   * The binding POST, asynchronous: completes when the API server has answered, exceptionally with
   * {@link KubernetesClientException} when it refused (its code and status, as the client's
   * blocking calls throw it) or with the transport's exception when it could not be reached.
   */
  interface BindingApi {
    CompletionStage<Void> post(String namespace, String name, String uid, String node);
  }

  /** Runs {@code task} once after {@code delay} unless the returned action cancels it first. */
  @FunctionalInterface
  public interface Deadlines {
    Runnable after(Duration delay, Runnable task);
  }

  /** Binds beyond the slots wait, up to this many, before a bind is refused as overloaded. */
  static final int WAITING_BINDS = 1024;

  private final BindingApi api;
  private final ClusterState state;
  private final int threads;
  private final BindSlots slots;
  private final Duration timeout;
  private final Deadlines deadlines;
  private final MeterRegistry registry;
  private final Timer apiCall;

  /**
   * @param threads binding POSTs in flight at once ({@code cluster.bindThreads})
   */
  public KubeBinder(
      KubernetesClient client,
      ClusterState state,
      int threads,
      Duration timeout,
      Deadlines deadlines,
      MeterRegistry registry) {
    this(BindingPost.of(client, deadlines), state, threads, timeout, deadlines, registry);
  }

  /**
   * A binder whose binding POSTs succeed at once, without a request: the rest is a live binder's
   * code. For the start-up rehearsal (app.WarmUp), so that the JIT compiles the bind path for the
   * classes a live spotpack runs: code compiled for other classes is thrown away when they come.
   */
  public static KubeBinder withoutApiServer(
      ClusterState state,
      int threads,
      Duration timeout,
      Deadlines deadlines,
      MeterRegistry registry) {
    return new KubeBinder(
        (namespace, name, uid, node) -> CompletableFuture.completedFuture(null),
        state,
        threads,
        timeout,
        deadlines,
        registry);
  }

  KubeBinder(
      BindingApi api,
      ClusterState state,
      int threads,
      Duration timeout,
      Deadlines deadlines,
      MeterRegistry registry) {
    this.api = api;
    this.state = state;
    this.threads = threads;
    this.slots = new BindSlots(threads, WAITING_BINDS);
    this.timeout = timeout;
    this.deadlines = deadlines;
    this.registry = registry;
    // the API server's share of a bind; the verb's duration minus this is spotpack's own
    for (String reason : REASONS) {
      errors(reason); // every series at zero from the start
    }
    this.apiCall =
        Timer.builder("spotpack.bind.api.duration")
            .description("Time of the pods/binding POST to the API server, successful or not")
            .register(registry);
    // a saturated bind path shows here before binds fail as overloaded
    Gauge.builder("spotpack.binds.in.flight", slots, BindSlots::running)
        .description("Binding POSTs sent and not yet answered (at most cluster.bindThreads)")
        .register(registry);
    Gauge.builder("spotpack.binds.waiting", slots, BindSlots::waiting)
        .description("Binds waiting for one of the cluster.bindThreads slots")
        .register(registry);
  }

  @Override
  public CompletionStage<BindResult> bind(BindRequest request) {
    String uid =
        request.uid().isEmpty()
            ? state.pod(request.namespace(), request.name()).map(p -> p.uid()).orElse("")
            : request.uid();
    boolean assumed = !uid.isEmpty() && state.assumeBound(uid, request.node());
    CompletableFuture<BindResult> result = new CompletableFuture<>();
    // Set once, by whichever comes first: the POST's start, or an answer that says "not sent".
    // Answered as not sent while it waited for a slot, the bind must never be sent afterwards: it
    // would bind a pod that kube-scheduler was told is unbound, so it would forget its choice and
    // schedule the pod again. A start that wins answers "no answer, may be bound" instead.
    AtomicBoolean decided = new AtomicBoolean();
    boolean accepted =
        slots.submit(
            () -> {
              if (!decided.compareAndSet(false, true)) {
                return false;
              }
              send(request, uid, assumed, result);
              return true;
            });
    if (!accepted) {
      undo(assumed, uid, request);
      return CompletableFuture.completedFuture(
          failed(request, "overloaded", "too many binds in flight"));
    }
    Runnable cancel =
        deadlines.after(timeout, () -> result.completeExceptionally(new TimeoutException()));
    result.whenComplete((r, t) -> cancel.run());
    return result.exceptionally(
        t -> {
          undo(assumed, uid, request);
          return describe(
              request,
              t instanceof CompletionException && t.getCause() != null ? t.getCause() : t,
              !decided.compareAndSet(false, true));
        });
  }

  /** The POST, holding a slot until the API server answers; never throws. */
  private void send(
      BindRequest request, String uid, boolean assumed, CompletableFuture<BindResult> result) {
    Timer.Sample sample = Timer.start(registry);
    CompletionStage<Void> posted;
    try {
      posted = api.post(request.namespace(), request.name(), uid, request.node());
    } catch (RuntimeException e) {
      posted = CompletableFuture.failedFuture(e);
    }
    posted.whenComplete(
        (ok, failure) -> {
          sample.stop(apiCall);
          slots.release();
          if (failure != null) {
            result.completeExceptionally(failure);
            return;
          }
          // Recorded again only where the arrival's record is not standing: the pod was unknown
          // then, or the bind was answered as timed out (and undone) and has landed after all.
          // Otherwise the record stays as it is, timing the confirmation from the bind's arrival.
          boolean recordStands = assumed && !result.isDone();
          if (!uid.isEmpty() && !recordStands && !state.assumeBound(uid, request.node())) {
            LOG.warn(
                "bound {} to {}, but spotpack had not seen the pod: it counts once the informer"
                    + " reports it",
                request.podKey(),
                request.node());
          }
          result.complete(BindResult.bound());
        });
  }

  private void undo(boolean assumed, String uid, BindRequest request) {
    if (assumed) {
      state.bindFailed(uid, request.node());
    }
  }

  private BindResult describe(BindRequest request, Throwable t, boolean sent) {
    if (t instanceof TimeoutException && !sent) {
      return failed(
          request,
          "overloaded",
          "not sent: the "
              + threads
              + " binds in flight did not end within "
              + timeout.toMillis()
              + " ms (config cluster.bindThreads, cluster.bindTimeoutMillis)");
    }
    if (t instanceof TimeoutException) {
      return failed(
          request,
          "timeout",
          "no answer from the API server within "
              + timeout.toMillis()
              + " ms (config cluster.bindTimeoutMillis); the pod may still be bound, which the"
              + " informer will show");
    }
    if (t instanceof KubernetesClientException e) {
      String message =
          e.getStatus() != null && e.getStatus().getMessage() != null
              ? e.getStatus().getMessage()
              : e.getMessage();
      return switch (e.getCode()) {
        case 404 -> failed(request, "not_found", "pod not found (404): " + message);
        case 409 -> failed(request, "conflict", "conflict (409): " + message);
        case 0 -> failed(request, "unreachable", "API server unreachable: " + message);
        default ->
            failed(request, "api_error", "API server answered " + e.getCode() + ": " + message);
      };
    }
    LOG.error("binding {} to {} failed unexpectedly", request.podKey(), request.node(), t);
    return failed(request, "internal", t.toString());
  }

  /** The reasons a bind fails, the values of {@code spotpack_bind_errors_total{reason}}. */
  private static final List<String> REASONS =
      List.of(
          "not_found", "conflict", "timeout", "unreachable", "api_error", "overloaded", "internal");

  private Counter errors(String reason) {
    return Counter.builder("spotpack.bind.errors")
        .description("Binds that failed, by reason")
        .tag("reason", reason)
        .register(registry);
  }

  private BindResult failed(BindRequest request, String reason, String detail) {
    errors(reason).increment();
    return BindResult.failed(
        "binding " + request.podKey() + " to node " + request.node() + " failed: " + detail);
  }
}
