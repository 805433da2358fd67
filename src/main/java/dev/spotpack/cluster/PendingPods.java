package dev.spotpack.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.spotpack.policy.model.PodInfo;
import org.jspecify.annotations.Nullable;

/**
 * The unbound pods the informer has read, each as converted at its resourceVersion, so that a
 * filter call about the same version of the same pod can take it instead of converting the
 * request's copy again: kube-scheduler sends the pod as its own informer read it, the version
 * spotpack's informer read too, and reading and converting it again was 8% of spotpack's CPU in the
 * scheduling loop (docs/benchmarks-log.md, stop 34).
 *
 * <p>A resourceVersion names one version of one object, so an entry is never wrong, only unused: a
 * pod is forgotten once it is bound or deleted, and at most {@value #MAX_PODS} are held, the least
 * recently read forgotten first.
 *
 * <p>Thread-safe.
 */
final class PendingPods {
  static final int MAX_PODS = 20_000;

  private record Versioned(String resourceVersion, PodInfo pod) {}

  private final Cache<String, Versioned> byUid =
      Caffeine.newBuilder()
          .maximumSize(MAX_PODS)
          .executor(Runnable::run) // its upkeep on the writer's thread: no pool of its own
          .build();

  /** The informer read {@code pod} at {@code resourceVersion}. */
  void read(PodInfo pod, String resourceVersion) {
    if (pod.isBound() || resourceVersion.isEmpty()) {
      byUid.invalidate(pod.uid());
    } else {
      byUid.put(pod.uid(), new Versioned(resourceVersion, pod));
    }
  }

  void forget(String uid) {
    byUid.invalidate(uid);
  }

  /** The pod as read at exactly this version, or null. */
  @Nullable PodInfo get(String uid, String resourceVersion) {
    Versioned read = byUid.getIfPresent(uid);
    return read != null && read.resourceVersion().equals(resourceVersion) ? read.pod() : null;
  }
}
