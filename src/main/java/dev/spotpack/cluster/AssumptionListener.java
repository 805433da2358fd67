package dev.spotpack.cluster;

import dev.spotpack.policy.model.PodInfo;
import java.time.Duration;

/** Told what happens to placements spotpack made but the informer had not yet reported. */
public interface AssumptionListener {
  AssumptionListener NONE = new AssumptionListener() {};

  /** The informer reported the pod bound, {@code lag} after spotpack bound it. */
  default void confirmed(PodInfo pod, Duration lag) {}

  /** The record outlived its time-to-live without the informer confirming it. */
  default void expired(PodInfo pod, String node) {}
}
