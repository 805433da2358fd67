package dev.spotpack.policy.spot;

import java.time.Duration;

/**
 * What happens to an executor that the caps keep off every spot node it fits.
 *
 * <p>The autoscalers (Karpenter, Cluster Autoscaler) simulate only kube-scheduler's own rules. If
 * the executor fits an existing spot node by resources, they believe it can be placed and add no
 * node; so when no on-demand node has room either, it waits until something changes. {@code WAIT}
 * keeps the caps absolute (the executor waits, with the reason in its events). {@code RELAX} lets
 * an executor that has been pending for {@code relaxAfter} past the caps, so that no job waits
 * without bound: the caps then hold for the first {@code relaxAfter} of every executor's life.
 *
 * @param relaxAfter how long an executor may wait on the caps before {@code RELAX} lets it through
 *     <p>Immutable.
 */
public record CapsFallback(Mode mode, Duration relaxAfter) {
  public enum Mode {
    WAIT,
    RELAX
  }

  public static final CapsFallback WAIT = new CapsFallback(Mode.WAIT, Duration.ofMinutes(5));

  /** Whether an executor pending for {@code pendingFor} is let past the caps. */
  public boolean relaxes(Duration pendingFor) {
    return mode == Mode.RELAX && pendingFor.compareTo(relaxAfter) >= 0;
  }
}
