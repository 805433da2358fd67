package dev.spotpack.policy.spot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Translates spotpack's per-node cap into a rule autoscalers understand: a required {@code
 * kubernetes.io/hostname} topology spread constraint over the job's executors with {@code maxSkew =
 * C}.
 *
 * <p>Why this works: Karpenter and Cluster Autoscaler simulate kube-scheduler's in-tree plugins but
 * never call an extender. With only spotpack's filter, an executor whose job has reached C on every
 * spot node waits while the autoscaler believes it fits an existing node. A hostname spread with
 * {@code maxSkew = C} rejects a node once it holds C of the job's executors whenever some eligible
 * node holds none, which is always true of the new node an autoscaler can launch, so the autoscaler
 * sees the same limit and adds capacity. kube-scheduler enforces the constraint too; spotpack's
 * filter stays the authority (the spread loosens once every node holds an executor).
 *
 * <p>The hint needs the job size up front ({@code spotpack.dev/expected-executors}): a constraint
 * is fixed when the pod is created, and a cap computed from the executors seen so far would be
 * tighter than the one spotpack applies later.
 *
 * <p>Immutable; safe to share across threads.
 */
public final class SpreadHints {
  /** The topology key of the hint: one domain per node. */
  public static final String HOSTNAME = "kubernetes.io/hostname";

  /** What to do with one pod. */
  public sealed interface Hint {}

  /**
   * Add the spread constraint.
   *
   * @param matchLabels the labels that select the job's executors
   * @param explanation the arithmetic, for an annotation a user can read
   */
  public record Add(int maxSkew, Map<String, String> matchLabels, String explanation)
      implements Hint {
    public Add {
      // insertion order kept: the patch's bytes must not depend on Map.copyOf's per-run salt
      matchLabels = Collections.unmodifiableMap(new LinkedHashMap<>(matchLabels));
    }
  }

  /**
   * Leave the pod as it is.
   *
   * @param warn whether the user should hear about it (a fixable omission), not just the log
   */
  public record Skip(String reason, boolean warn) implements Hint {}

  private final PodRoles roles;
  private final SpotAnnotations annotations;

  public SpreadHints(PodRoles roles, Profiles profiles) {
    this.roles = roles;
    this.annotations = new SpotAnnotations(profiles);
  }

  /** The pod labels {@link #forPod} reads (the roles' keys). */
  public Set<String> labelKeys() {
    return roles.labelKeys();
  }

  /**
   * @param hasHostnameSpread whether the pod already carries a spread constraint on {@link
   *     #HOSTNAME}: the user's own rule is kept, never overridden
   */
  public Hint forPod(
      Map<String, String> labels, Map<String, String> podAnnotations, boolean hasHostnameSpread) {
    if (!roles.isActiveExecutor(labels)) {
      return new Skip("not an active executor", false);
    }
    var job = roles.jobOf(labels);
    if (job.isEmpty()) {
      return new Skip(
          "executor without a job label (" + String.join(", ", roles.jobLabels()) + ")", false);
    }
    if (hasHostnameSpread) {
      return new Skip(
          "already has a " + HOSTNAME + " topology spread constraint; left as it is", false);
    }
    SpotAnnotations.Result read = annotations.read(podAnnotations);
    if (read instanceof SpotAnnotations.Invalid invalid) {
      return new Skip(invalid.message(), true);
    }
    SpotLimits limits = ((SpotAnnotations.Valid) read).limits();
    if (limits.maxSpotShare().signum() == 0) {
      return new Skip(
          "profile " + limits.profile() + " keeps the job off spot nodes; no per-node cap to show",
          false);
    }
    if (limits.expectedExecutors().isEmpty()) {
      return new Skip(
          "spotpack: no spread hint for autoscalers: the executor does not declare "
              + SpotAnnotations.EXPECTED_EXECUTORS
              + ", so its per-node cap is not known at creation",
          true);
    }
    // the declared size: at creation, the only N the hint can be built from
    int n = limits.expectedExecutors().getAsInt();
    int cap = limits.caps(0).perNode();
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(roles.jobLabelOf(labels), job.get());
    selector.put(roles.roleLabel(), roles.executorRole());
    String explanation =
        "maxSkew "
            + cap
            + " = max(1, floor("
            + limits.maxSpotFractionPerNode().toPlainString()
            + " x "
            + n
            + ")) executors of job "
            + job.get()
            + " per node (profile "
            + limits.profile()
            + ")";
    return new Add(cap, selector, explanation);
  }
}
