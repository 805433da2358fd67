package dev.spotpack.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.spotpack.policy.model.InFlight;
import dev.spotpack.policy.model.PodInfo;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What spotpack knows of pods before the informer does, by pod uid: a pod seen in a filter call (it
 * counts in its job's size), a pod the filter let onto spot nodes (in flight to each of them until
 * its bind arrives), and a pod spotpack bound (on its node). A record ends when the informer
 * reports the pod bound or deleted, or after its time-to-live (Caffeine, with the injected Ticker,
 * so tests never sleep); a time-to-live of zero records nothing.
 *
 * <p>Not thread-safe: {@link ClusterState} calls it under its own lock, and Caffeine runs the
 * expiry callback on the calling thread, so {@code onEnded} runs under that lock too.
 */
final class Assumptions {
  /**
   * One pod's record: bound to {@code node} by our bind; or pending, and then possibly in flight to
   * one of {@code inFlight} (the spot nodes our filter allowed, between kube-scheduler's choice and
   * its bind call).
   */
  record Assumed(PodInfo pod, @Nullable String node, InFlight inFlight, long sinceNanos) {}

  /**
   * An in-flight record ends with the bind that follows within milliseconds; if kube-scheduler
   * never binds (the pod failed a later plugin, or went to a node we did not cap), it is
   * re-filtered or bound elsewhere soon. Half a minute bounds the cost of a record nobody ends.
   */
  static final Duration IN_FLIGHT_TTL = Duration.ofSeconds(30);

  /**
   * Far above any real burst (kube-scheduler handles a few hundred pods a second; records last
   * seconds to minutes), low enough to bound memory under hostile input: about 20 MB at most.
   */
  static final long MAX = 50_000;

  private final Ticker ticker;
  private final AssumptionListener listener;
  private final Cache<String, Assumed> records;

  /**
   * @param ttl how long a placement or a seen pod counts unconfirmed (in-flight records at most
   *     {@link #IN_FLIGHT_TTL})
   * @param onEnded told the uid of a record that expired or was evicted, to re-index the pod
   */
  Assumptions(Ticker ticker, Duration ttl, AssumptionListener listener, Consumer<String> onEnded) {
    this.ticker = ticker;
    this.listener = listener;
    Duration inFlightTtl = ttl.compareTo(IN_FLIGHT_TTL) < 0 ? ttl : IN_FLIGHT_TTL;
    this.records =
        Caffeine.newBuilder()
            .ticker(ticker)
            .executor(Runnable::run)
            // bounded: a flood of filter calls for made-up pods must not grow memory without limit
            .maximumSize(MAX)
            .expireAfter(
                Expiry.<String, Assumed>writing(
                    (uid, a) -> a.inFlight().isEmpty() ? ttl : inFlightTtl))
            .<String, Assumed>removalListener(
                (uid, assumed, cause) -> {
                  if ((cause == RemovalCause.EXPIRED || cause == RemovalCause.SIZE)
                      && uid != null
                      && assumed != null) {
                    if (assumed.node() != null) {
                      listener.expired(assumed.pod(), assumed.node());
                    }
                    onEnded.accept(uid);
                  }
                })
            .build();
  }

  @Nullable Assumed get(String uid) {
    return records.getIfPresent(uid);
  }

  /** A pending pod seen in a filter or prioritize call ({@code pod} unbound and compacted). */
  void seen(PodInfo pod) {
    records.put(pod.uid(), new Assumed(pod, null, InFlight.NONE, ticker.read()));
  }

  /** The pending pod may be bound to any of the nodes any moment now; replaces its record. */
  void inFlight(PodInfo pod, InFlight inFlight) {
    records.put(pod.uid(), new Assumed(pod, null, inFlight, ticker.read()));
  }

  /** spotpack bound the pod ({@code pod} as known, unbound) to {@code node}. */
  void bound(PodInfo pod, String node) {
    records.put(pod.uid(), new Assumed(pod, node, InFlight.NONE, ticker.read()));
  }

  /** The informer shows the pod bound: its record, if any, ends; a placement of ours confirmed. */
  void confirmed(PodInfo bound) {
    Assumed assumed = records.getIfPresent(bound.uid());
    if (assumed == null) {
      return;
    }
    records.invalidate(bound.uid());
    if (assumed.node() != null) {
      listener.confirmed(bound, Duration.ofNanos(ticker.read() - assumed.sinceNanos()));
    }
  }

  void forget(String uid) {
    records.invalidate(uid);
  }

  /** Ends the records whose time is up (Caffeine otherwise ends them only on later writes). */
  void sweep() {
    records.cleanUp();
  }

  int size() {
    records.cleanUp();
    return (int) records.estimatedSize();
  }
}
