package dev.spotpack.kube;

import dev.spotpack.cluster.ClusterState;
import dev.spotpack.policy.model.PodInfo;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design note.
 *
 * Two informers (Nodes; Pods in all namespaces) feed ClusterState one event at a time; nothing is
 * recomputed per request. Finished pods are filtered out by the API server (field selector
 * status.phase!=Succeeded,status.phase!=Failed: a pod that finishes then arrives as a deletion)
 * and again here, so correctness does not depend on the selector.
 *
 * Failure policy: fabric8's default exception handler stops an informer on
 * any error before the first sync and on non-410 watch errors afterwards, leaving a frozen cache
 * that answers without a sound (checked in fabric8 8.0.0's Reflector). Ours logs and retries
 * every time. If an informer stops anyway, readiness turns false for good and the stop is logged
 * at ERROR, so the probe restarts the process rather than letting it decide on a frozen view.
 *
 * While an informer's watch is down (the API server restarted, the network broke), the view goes
 * stale. Watches are also re-established routinely (the API server ends them every few minutes),
 * for milliseconds; so readiness turns false only when a watch has been down for longer than
 * WATCH_GRACE, and comes back by itself once the informer is watching again.
 *
 * Handlers never throw: an object spotpack cannot convert is logged with its key and counted.
 *
 * Handlers never block either: the client runs fabric8's tasks on the thread that read the watch
 * event (app.ClusterWiring), usually a Vert.x event loop.
 */

/**
 * Watches Nodes and Pods and keeps {@link ClusterState} current. {@link #start()} returns at once;
 * {@link #ready()} tells when both informers have synced.
 *
 * <p>Thread-safe. Each informer calls its handler from one thread.
 */
public final class ClusterFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterFeed.class);

  private final KubernetesClient client;
  private final KubeModel model;
  private final ClusterState state;
  private final FeedMetrics metrics;
  private final long listPageSize;

  /** How long a watch may be down before spotpack stops deciding on its view. */
  public static final Duration WATCH_GRACE = Duration.ofSeconds(3);

  private final LongSupplier nanoTime;
  private final Map<SharedIndexInformer<?>, Long> notWatchingSince = new ConcurrentHashMap<>();
  private volatile List<SharedIndexInformer<? extends HasMetadata>> informers = List.of();
  private volatile boolean stopped;
  private volatile boolean closing;

  /**
   * What else follows pod events besides {@link ClusterState}. Called on the thread that read the
   * event, which may be an event loop serving kube-scheduler: it must not block (hand slow work to
   * a thread of its own).
   */
  public interface PodListener {
    PodListener NONE =
        new PodListener() {
          @Override
          public void upserted(Pod pod, @Nullable PodInfo info) {}

          @Override
          public void deleted(Pod pod) {}
        };

    /**
     * The pod was added or changed, and is not finished; {@code info} is the pod as the state took
     * it, or null when spotpack cannot read it (the filter tells the pod's events why).
     */
    void upserted(Pod pod, @Nullable PodInfo info);

    /** The pod was deleted or has finished. */
    void deleted(Pod pod);
  }

  private volatile PodListener podListener = PodListener.NONE;

  /** Sets the one listener; before {@link #start()}. */
  public void podListener(PodListener listener) {
    this.podListener = listener;
  }

  public ClusterFeed(
      KubernetesClient client,
      KubeModel model,
      ClusterState state,
      FeedMetrics metrics,
      long listPageSize,
      LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.client = client;
    this.model = model;
    this.state = state;
    this.metrics = metrics;
    this.listPageSize = listPageSize;
  }

  /** Starts both informers; the returned stage completes when both have synced. */
  public CompletionStage<Void> start() {
    SharedIndexInformer<Node> nodes = client.nodes().withLimit(listPageSize).runnableInformer(0);
    SharedIndexInformer<Pod> pods =
        client
            .pods()
            .inAnyNamespace()
            .withoutField("status.phase", "Succeeded")
            .withoutField("status.phase", "Failed")
            .withLimit(listPageSize)
            .runnableInformer(0);
    nodes.itemStore(KeyOnlyStores.nodes());
    pods.itemStore(KeyOnlyStores.pods());
    nodes.addEventHandler(handler("nodes", this::applyNode, this::deleteNode));
    pods.addEventHandler(handler("pods", this::applyPod, this::deletePod));
    informers = List.of(nodes, pods);
    CompletableFuture<?>[] synced = new CompletableFuture<?>[2];
    int i = 0;
    for (SharedIndexInformer<? extends HasMetadata> informer : informers) {
      String resource = i == 0 ? "nodes" : "pods";
      informer.exceptionHandler(
          (isStarted, t) -> {
            LOG.warn(
                "{} informer: {} (retrying{})",
                resource,
                t.toString(),
                isStarted ? "" : ", not yet synced");
            metrics.error(resource, "watch");
            return true;
          });
      informer
          .stopped()
          .whenComplete(
              (v, t) -> {
                if (!closing) {
                  stopped = true;
                  LOG.error(
                      "{} informer STOPPED{}: spotpack is no longer ready and answers every call"
                          + " with an error until it is restarted",
                      resource,
                      t == null ? "" : " (" + t + ")");
                }
              });
      synced[i++] = informer.start().toCompletableFuture();
    }
    return CompletableFuture.allOf(synced);
  }

  /** The API server's URL, for logs. */
  public String apiServer() {
    return client.getMasterUrl().toString();
  }

  /**
   * Both informers have listed everything once, none has stopped, and neither has been without a
   * watch for longer than {@link #WATCH_GRACE}.
   */
  public boolean ready() {
    List<SharedIndexInformer<? extends HasMetadata>> current = informers;
    if (stopped || current.isEmpty()) {
      return false;
    }
    long now = nanoTime.getAsLong();
    boolean ready = true;
    for (SharedIndexInformer<? extends HasMetadata> informer : current) {
      if (!informer.hasSynced()) {
        return false;
      }
      if (informer.isWatching()) {
        if (notWatchingSince.remove(informer) != null) {
          LOG.info("informer watching again; spotpack decides again");
        }
      } else {
        long since = notWatchingSince.computeIfAbsent(informer, i -> now);
        if (now - since > WATCH_GRACE.toNanos()) {
          ready = false;
        }
      }
    }
    return ready;
  }

  @Override
  public void close() {
    closing = true;
    informers.forEach(SharedIndexInformer::stop);
  }

  private void applyNode(Node node) {
    state.upsertNode(model.toNodeInfo(node));
  }

  private void deleteNode(Node node) {
    state.removeNode(node.getMetadata().getName());
  }

  private void applyPod(Pod pod) {
    if (KubeModel.isTerminated(pod)) {
      deletePod(pod);
      return;
    }
    PodInfo info = null;
    try {
      info = model.toPodInfo(pod);
      state.upsertPod(info, KubeModel.resourceVersion(pod));
    } finally {
      // after the state has it; also for a pod spotpack cannot read
      podListener.upserted(pod, info);
    }
  }

  private void deletePod(Pod pod) {
    podListener.deleted(pod);
    String uid = pod.getMetadata().getUid();
    if (uid != null && !uid.isEmpty()) {
      state.removePod(uid);
    } else {
      state.removePod(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    }
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler(
      String resource, Consumer<T> apply, Consumer<T> delete) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        run("add", obj, apply);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        run("update", newObj, apply);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        run("delete", obj, delete);
      }

      private final AtomicBoolean listedBefore = new AtomicBoolean();

      @Override
      public void onList(String resourceVersion, boolean remainedEmpty) {
        metrics.listed(resource);
        if (listedBefore.getAndSet(true)) {
          LOG.info(
              "{} informer relisted (its watch expired or failed) at resourceVersion {}",
              resource,
              resourceVersion);
        }
        ResourceEventHandler.super.onList(resourceVersion, remainedEmpty);
      }

      private void run(String type, T obj, Consumer<T> action) {
        try {
          action.accept(obj);
          metrics.event(resource, type);
        } catch (RuntimeException e) {
          metrics.error(resource, "convert");
          LOG.warn(
              "{} {} {}/{} ignored: {}",
              resource,
              type,
              obj.getMetadata().getNamespace(),
              obj.getMetadata().getName(),
              e.getMessage());
        }
      }
    };
  }
}
