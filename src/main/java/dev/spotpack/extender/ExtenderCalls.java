package dev.spotpack.extender;

import dev.spotpack.bind.Binder;
import dev.spotpack.cluster.ClusterState;
import dev.spotpack.cluster.SnapshotBinder;
import dev.spotpack.kube.KubeModel;
import dev.spotpack.policy.ClientText;
import dev.spotpack.policy.PolicyConfig;
import dev.spotpack.policy.SpotPolicy;
import dev.spotpack.protocol.ExtenderArgs;
import dev.spotpack.protocol.ExtenderBindingArgs;
import dev.spotpack.protocol.ExtenderBindingResult;
import dev.spotpack.protocol.ExtenderJson;
import dev.spotpack.protocol.NameTable;
import dev.spotpack.protocol.ProtocolException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of each verb, from the raw request body to the HTTP status and body to answer with. This
 * is where the error policy lives, fitted to how kube-scheduler reads answers
 * (kubernetes/kubernetes {@code pkg/scheduler/extender.go}, {@code send} and {@code Filter}; an
 * {@code Error} or a failed call fails the pod's scheduling cycle with SchedulerError and requeues
 * it with backoff):
 *
 * <ul>
 *   <li>filter and bind answer 200 even on a malformed body or before sync, with {@code Error} set:
 *       kube-scheduler treats any other status as a failed call, drops the body, and the user sees
 *       only "code 400"; with 200 + {@code Error} the message reaches the pod's events;
 *   <li>prioritize's answer is a bare array with no error field, so a malformed body gets 400 and
 *       {@code {"Error": "..."}} (503 before sync); kube-scheduler ignores this extender's scores
 *       for that pod, as it does for every prioritize failure.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class ExtenderCalls {
  private static final Logger LOG = LoggerFactory.getLogger(ExtenderCalls.class);

  /** What to send back. {@code body} is serialised with {@link ExtenderJson}. */
  public record Reply(int status, Object body) {}

  private final FilterVerb filter;
  private final PrioritizeVerb prioritize;
  private final BindVerb bind;
  private final ExtenderJson json;
  private final VerbMetrics metrics;
  private final LongSupplier nanoTime;
  private final KnownNodes knownNodes;
  private final ExtenderJson.ReadPods readPods;

  /** The three verbs over {@code cluster}, binding with {@code binder}. */
  public static ExtenderCalls wire(
      SpotPolicy policy,
      ClusterSource cluster,
      Binder binder,
      KubeModel model,
      MeterRegistry registry,
      LongSupplier nanoTime,
      Clock clock) {
    return new ExtenderCalls(
        new FilterVerb(policy, cluster, model, clock),
        new PrioritizeVerb(policy, cluster, model),
        new BindVerb(binder, cluster),
        new ExtenderJson(model::keepsLabel, KubeModel::keepsAnnotation),
        new VerbMetrics(registry),
        nanoTime,
        cluster);
  }

  /** The verbs of snapshot mode over {@code state}: binds are recorded in memory. */
  public static ExtenderCalls overSnapshot(
      PolicyConfig policy,
      ClusterState state,
      KubeModel model,
      MeterRegistry registry,
      LongSupplier nanoTime,
      Clock clock) {
    return wire(
        new SpotPolicy(policy),
        new SnapshotClusterSource(state),
        new SnapshotBinder(state),
        model,
        registry,
        nanoTime,
        clock);
  }

  public ExtenderCalls(
      FilterVerb filter,
      PrioritizeVerb prioritize,
      BindVerb bind,
      ExtenderJson json,
      VerbMetrics metrics,
      LongSupplier nanoTime,
      ClusterSource cluster) {
    this.filter = filter;
    this.prioritize = prioritize;
    this.bind = bind;
    this.json = json;
    this.metrics = metrics;
    this.nanoTime = nanoTime;
    this.knownNodes = new KnownNodes(cluster, filter.spotNodes());
    this.readPods = cluster::pendingPod;
  }

  public Reply filter(byte[] body) {
    return filter(body, 0, body.length);
  }

  /**
   * The filter call whose body is {@code body[offset, offset + length)}. The reply may refer to the
   * array (its names are copied from the request's bytes when written), so the caller keeps the
   * body unchanged until it has written the reply.
   */
  public Reply filter(byte[] body, int offset, int length) {
    long start = nanoTime.getAsLong();
    FilterVerb.Answer answer;
    try {
      KnownNodes.Known known = knownNodes.known();
      answer = filter.filter(read(body, offset, length, known.table()), known);
    } catch (ProtocolException e) {
      answer = FilterVerb.Answer.badRequest(e.getMessage());
    }
    metrics.rejected(answer.decision().rejected().values());
    if (answer.decision().capsRelaxed()) {
      metrics.capsRelaxed();
      LOG.info(
          "filter: {} pending past spot.relaxAfterSeconds, let past its caps (spot.onCapsExhausted:"
              + " relax)",
          logged(answer.podKey()));
    }
    if (LOG.isDebugEnabled() && answer.result().error().isEmpty()) {
      Map<String, Long> byRule = new TreeMap<>();
      answer
          .decision()
          .rejected()
          .values()
          .forEach(r -> byRule.merge(r.rule().label(), 1L, Long::sum));
      LOG.debug(
          "filter {}: pod={} feasible={} rejected={}",
          answer.outcome().label(),
          logged(answer.podKey()),
          answer.decision().feasible().size(),
          byRule);
    } else {
      log("filter", answer.outcome(), logged(answer.podKey()), answer.result().error());
    }
    metrics.record("filter", answer.outcome(), elapsed(start));
    return new Reply(200, answer.result());
  }

  /** Reads a filter or prioritize body and counts which reader read it (a refused one: general). */
  private ExtenderArgs read(byte[] body, int offset, int length, NameTable table) {
    ExtenderArgs args;
    try {
      args = json.readArgs(body, offset, length, table, readPods);
    } catch (ProtocolException e) {
      metrics.bodyRead(false);
      throw e;
    }
    metrics.bodyRead(args.schedulerLayout());
    metrics.podRead(args.readPod() != null);
    return args;
  }

  public Reply prioritize(byte[] body) {
    return prioritize(body, 0, body.length);
  }

  /** The prioritize call whose body is {@code body[offset, offset + length)}; as for filter. */
  public Reply prioritize(byte[] body, int offset, int length) {
    long start = nanoTime.getAsLong();
    PrioritizeVerb.Answer answer;
    try {
      KnownNodes.Known known = knownNodes.known();
      answer = prioritize.prioritize(read(body, offset, length, known.table()), known);
    } catch (ProtocolException e) {
      answer = new PrioritizeVerb.Answer(List.of(), Outcome.BAD_REQUEST, e.getMessage());
    }
    metrics.record("prioritize", answer.outcome(), elapsed(start));
    if (answer.error().isEmpty()) {
      return new Reply(200, answer.scores());
    }
    log("prioritize", answer.outcome(), "", answer.error());
    return new Reply(
        answer.outcome() == Outcome.NOT_READY ? 503 : 400, Map.of("Error", answer.error()));
  }

  /** Never completes exceptionally. */
  public CompletionStage<Reply> bind(byte[] body) {
    long start = nanoTime.getAsLong();
    ExtenderBindingArgs args;
    try {
      args = json.readBindingArgs(body);
    } catch (ProtocolException e) {
      log("bind", Outcome.BAD_REQUEST, "", e.getMessage());
      metrics.record("bind", Outcome.BAD_REQUEST, elapsed(start));
      return CompletableFuture.completedFuture(
          new Reply(200, new ExtenderBindingResult(e.getMessage())));
    }
    String subject = logged(args.podNamespace() + "/" + args.podName() + " -> " + args.node());
    CompletionStage<BindVerb.Answer> answer;
    try {
      answer = bind.bind(args);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.handle(
        (a, failure) -> {
          if (failure != null) {
            LOG.error("bind {} threw", subject, failure);
            a =
                new BindVerb.Answer(
                    new ExtenderBindingResult(
                        "bind of "
                            + args.podNamespace()
                            + "/"
                            + args.podName()
                            + " failed inside spotpack; see its log"),
                    Outcome.INTERNAL);
          }
          log("bind", a.outcome(), subject, a.result().error());
          metrics.record("bind", a.outcome(), elapsed(start));
          return new Reply(200, a.result());
        });
  }

  /** A body that exceeded the size limit, refused before any verb ran. */
  public Reply tooLarge(long limitBytes) {
    return new Reply(
        413,
        Map.of(
            "Error",
            "request body larger than "
                + limitBytes
                + " bytes (config server.maxRequestBodyBytes)"));
  }

  public byte[] write(Object body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(body, out);
    return out.toByteArray();
  }

  /**
   * Writes {@code body} to {@code out}, which is not closed: the HTTP layer writes straight into
   * the response's buffer, without a byte array of the whole answer (at 5,000 nodes, 140 kB per
   * call) in between.
   */
  public void write(Object body, OutputStream out) {
    json.write(body, knownNodes.current(), out);
  }

  private Duration elapsed(long start) {
    return Duration.ofNanos(nanoTime.getAsLong() - start);
  }

  /**
   * @param subject already passed through {@link #logged}
   */
  private static void log(String verb, Outcome outcome, String subject, String error) {
    if (!error.isEmpty()) {
      LOG.warn("{} {}: {} {}", verb, outcome.label(), subject, logged(error));
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("{} {}: {}", verb, outcome.label(), subject);
    }
  }

  /** Client text as it may appear in a log line: escaped, at most 300 characters. */
  private static String logged(String s) {
    return ClientText.quote(s, 300);
  }
}
