package dev.spotpack.extender;

import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.policy.FilterDecision;
import dev.spotpack.policy.model.PodInfo;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Where the verbs get the cluster from: a snapshot file or live informers. */
public interface ClusterSource {
  /** False until the state is complete enough to decide on (informers synced). */
  boolean ready();

  /** The current immutable snapshot; read once per request. */
  ClusterSnapshot snapshot();

  /**
   * The current node names, the instances {@link #snapshot()}'s maps are keyed by; the same set
   * instance until a node changes. A source may answer without building a snapshot.
   */
  default Set<String> nodeNames() {
    return snapshot().nodeNames();
  }

  /**
   * The unbound pod with this uid as the source's informer read it at exactly {@code
   * resourceVersion}, or null (always, for a source without an informer): a request about that
   * version of the pod may take it instead of converting its own copy.
   */
  default @Nullable PodInfo pendingPod(String uid, String resourceVersion) {
    return null;
  }

  /**
   * Tells the source of a pod seen in a prioritize call. A snapshot source adds it as a known
   * pending pod (it then counts in its job's size and can be bound); a live source keeps it until
   * the informer reports it.
   */
  void observe(PodInfo pod);

  /**
   * What a filter call learnt, written once after the decision: the pod is known (as {@link
   * #observe}), and the filter let it onto these capped (spot) nodes, of which kube-scheduler will
   * pick one and bind it asynchronously, after it has already asked about the next pod. A live
   * source counts the pod on each of them, and once in each of their pools, until its bind arrives.
   */
  void filtered(PodInfo pod, FilterDecision decision);
}
